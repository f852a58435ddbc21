using InferencePipeline.InferenceServer;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// The child side of <see cref="ServerProcess"/>: the embedded server alone in its own process, so the managed bytes
/// it allocates are the server's only (in the benchmark's own process the gRPC client and the load generator
/// allocate on the same heap). It prints <c>ready &lt;grpc address&gt;</c>, answers each <c>allocated</c> line on
/// stdin with <c>allocated &lt;GC.GetTotalAllocatedBytes(precise)&gt;</c> and each <c>memory</c> line with
/// <c>memory &lt;heap bytes&gt; &lt;GC committed bytes&gt; &lt;working set bytes&gt;</c>, and stops when stdin closes.
/// </summary>
public static class AllocationProbeServer
{
    public const string Argument = "--serve-allocation-probe";

    public static async Task<int> RunAsync(string repositoryRoot, IReadOnlyList<string> models)
    {
        await using var server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = repositoryRoot,
            ControlMode = ModelControlMode.Explicit,
            LoadModels = models.ToList(),
        });
        Console.Out.WriteLine($"ready {server.GrpcAddress}");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            Console.Out.WriteLine(line.Trim() switch
            {
                "allocated" => FormattableString.Invariant($"allocated {GC.GetTotalAllocatedBytes(precise: true)}"),
                // The managed heap as the last collection left it (no collection forced, so the probe does not change what it
                // measures), the memory the GC has committed, and the working set.
                "memory" => FormattableString.Invariant(
                    $"memory {GC.GetGCMemoryInfo().HeapSizeBytes} {GC.GetGCMemoryInfo().TotalCommittedBytes} {Environment.WorkingSet}"),
                _ => $"error unknown command '{line}'",
            });
            Console.Out.Flush();
        }

        return 0;
    }
}

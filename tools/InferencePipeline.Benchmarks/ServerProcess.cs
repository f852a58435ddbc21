using System.Diagnostics;
using System.Globalization;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// Starts this benchmark's own executable as an <see cref="AllocationProbeServer"/> child and reads its heap counter,
/// so "allocations per request on the server path" counts the server's bytes and nothing of the client's.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri grpcAddress)
    {
        _process = process;
        GrpcAddress = grpcAddress;
    }

    public Uri GrpcAddress { get; }

    public static async Task<ServerProcess> StartAsync(string repositoryRoot, IReadOnlyList<string> models, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        // Run through the host that runs us: the apphost directly, or `dotnet <dll>`.
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable.");
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add(AllocationProbeServer.Argument);
        start.ArgumentList.Add(repositoryRoot);
        foreach (var model in models)
        {
            start.ArgumentList.Add(model);
        }

        // Logs of the child would interleave with ours; its errors still reach the console through stderr.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The server process exited (code {(process.HasExited ? process.ExitCode : -1)}) before it was ready.");
                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    return new ServerProcess(process, new Uri(line["ready ".Length..]));
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The child's <c>GC.GetTotalAllocatedBytes(precise: true)</c> now.</summary>
    public async Task<long> ReadAllocatedBytesAsync(CancellationToken cancellationToken) =>
        (await AskAsync("allocated", cancellationToken))[0];

    /// <summary>The child's managed heap after its last collection, the memory its GC has committed, and its working set, in bytes.</summary>
    public async Task<(long Heap, long Committed, long WorkingSet)> ReadMemoryAsync(CancellationToken cancellationToken)
    {
        var numbers = await AskAsync("memory", cancellationToken);
        return (numbers[0], numbers[1], numbers[2]);
    }

    /// <summary>Sends one command and parses the numbers of its answer line (<c>&lt;command&gt; n1 n2 ...</c>).</summary>
    private async Task<long[]> AskAsync(string command, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(command.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        // A warning the server logs may come first on the same stdout: skip to the answer.
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The server process exited while asked '{command}'.");
            if (line.StartsWith(command + " ", StringComparison.Ordinal))
            {
                var fields = line[(command.Length + 1)..].Split(' ');
                var numbers = new long[fields.Length];
                for (var i = 0; i < fields.Length; i++)
                {
                    if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
                    {
                        throw new InvalidOperationException($"The server process answered '{line}' instead of byte counts.");
                    }
                }
                return numbers;
            }

            if (line.StartsWith("error ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The server process answered '{line}'.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}

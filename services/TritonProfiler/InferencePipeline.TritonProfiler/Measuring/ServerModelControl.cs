using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// Triton's model control over KServe v2 gRPC: load a repository entry with a config override (the
/// "config" parameter, the ModelConfig as JSON, as Triton's clients send it), wait until it is ready,
/// unload it. The server answers "no" with a status whose detail says why; that detail reaches the user.
/// </summary>
public sealed class ServerModelControl(GRPCInferenceService.GRPCInferenceServiceClient client)
{
    // Triton's documentation writes override JSON with the proto field names; both spellings parse.
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    public static string OverrideJson(ModelConfig config) => Json.Format(config);

    /// <summary>Loads (or reloads) <paramref name="entry"/> with <paramref name="config"/> and waits for ModelReady.</summary>
    /// <exception cref="ProfilingFailedException">The server refused the config or it never became ready.</exception>
    public async Task LoadAsync(string entry, ModelConfig config, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var overridden = config.Clone();
        overridden.Name = entry;
        var request = new RepositoryModelLoadRequest { ModelName = entry };
        request.Parameters["config"] = new ModelRepositoryParameter { StringParam = OverrideJson(overridden) };
        try
        {
            await client.RepositoryModelLoadAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (!TransientFaults.IsTransient(e))
        {
            throw new ProfilingFailedException(
                $"The inference server could not load config '{config.Name}' (as '{entry}'): {e.Status.Detail} ({e.StatusCode}). " +
                "Fix the config or leave that choice out of the search space.", e);
        }

        var deadline = DateTime.UtcNow + readyTimeout;
        while (true)
        {
            var ready = await client.ModelReadyAsync(new ModelReadyRequest { Name = entry }, cancellationToken: cancellationToken);
            if (ready.Ready)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ProfilingFailedException(
                    $"Config '{config.Name}' loaded as '{entry}' but did not become ready within {readyTimeout}; check the server's log.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Unloads an entry; best effort (the profile is over either way), so it reports instead of throwing.</summary>
    public async Task<Exception?> TryUnloadAsync(string entry, CancellationToken cancellationToken)
    {
        try
        {
            await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = entry }, cancellationToken: cancellationToken);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }
}

using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.KServe.Client;

/// <summary>
/// Triton's model control over KServe v2 gRPC (explicit model control mode): load or reload a repository
/// entry, optionally with a config override (the "config" parameter, the ModelConfig as JSON, as Triton's
/// clients send it), wait until it reports ready, unload it. The server says "no" with a status whose
/// detail says why; that detail reaches the user through <see cref="ModelLoadException"/>. Transient
/// failures (<see cref="KServeTransientFaults"/>) pass through unwrapped so the caller can retry.
/// </summary>
public sealed class KServeModelControl(GRPCInferenceService.GRPCInferenceServiceClient client)
{
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(100);

    // Triton's documentation writes override JSON with the proto field names; both spellings parse.
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    /// <summary>The value of the load request's "config" parameter for <paramref name="config"/>.</summary>
    public static string OverrideJson(ModelConfig config) => Json.Format(config);

    /// <summary>Loads (or reloads) <paramref name="model"/> with the config.pbtxt in its repository entry and waits for ModelReady.</summary>
    /// <exception cref="ModelLoadException">The server refused the model or it never became ready.</exception>
    public Task LoadAsync(string model, TimeSpan readyTimeout, CancellationToken cancellationToken) =>
        LoadAsync(new RepositoryModelLoadRequest { ModelName = model }, $"'{model}'", $"'{model}' loaded", readyTimeout, cancellationToken);

    /// <summary>
    /// Loads (or reloads) entry <paramref name="model"/> with <paramref name="config"/> in place of its
    /// config.pbtxt (the override is renamed to the entry, as Triton requires) and waits for ModelReady.
    /// Errors name both the config and the entry it was loaded as.
    /// </summary>
    /// <exception cref="ModelLoadException">The server refused the config or it never became ready.</exception>
    public Task LoadAsync(string model, ModelConfig config, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var overridden = config.Clone();
        overridden.Name = model;
        var request = new RepositoryModelLoadRequest { ModelName = model };
        request.Parameters["config"] = new ModelRepositoryParameter { StringParam = OverrideJson(overridden) };
        return LoadAsync(request, $"config '{config.Name}' (as '{model}')", $"Config '{config.Name}' loaded as '{model}'", readyTimeout, cancellationToken);
    }

    /// <summary>Unloads <paramref name="model"/>; best effort, so it returns the server's error instead of throwing it.</summary>
    public async Task<RpcException?> TryUnloadAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model }, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }

    private async Task LoadAsync(
        RepositoryModelLoadRequest request, string what, string loaded, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var model = request.ModelName;
        try
        {
            await client.RepositoryModelLoadAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (!KServeTransientFaults.IsTransient(e))
        {
            throw new ModelLoadException($"The inference server could not load {what}: {e.Status.Detail} ({e.StatusCode}).", model, e.Status, e);
        }

        var deadline = DateTime.UtcNow + readyTimeout;
        while (!(await client.ModelReadyAsync(new ModelReadyRequest { Name = model }, cancellationToken: cancellationToken).ConfigureAwait(false)).Ready)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new ModelLoadException($"{loaded} but did not become ready within {readyTimeout}; check the server's log.", model, refusal: null);
            }

            await Task.Delay(ReadyPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}

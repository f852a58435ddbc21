using Grpc.Core;
using Inference;

namespace InferencePipeline.Deployer;

/// <summary>
/// Triton's model control over KServe v2 gRPC for a model whose files are in the server's repository:
/// load (or reload) it, wait for ModelReady, unload it. A refusal carries the server's reason.
/// </summary>
public sealed class KServeModelControl(GRPCInferenceService.GRPCInferenceServiceClient client)
{
    /// <exception cref="DeploymentFailedException">The server refused the model or it never became ready.</exception>
    public async Task LoadAsync(string model, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        try
        {
            await client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = model }, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (!TransientFaults.IsTransient(e))
        {
            throw new DeploymentFailedException($"The inference server could not load '{model}': {e.Status.Detail} ({e.StatusCode}).", e);
        }

        var deadline = DateTime.UtcNow + readyTimeout;
        while (!(await client.ModelReadyAsync(new ModelReadyRequest { Name = model }, cancellationToken: cancellationToken)).Ready)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new DeploymentFailedException($"'{model}' loaded but did not become ready within {readyTimeout}; check the server's log.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Best effort: takes a model that answered wrongly out of service.</summary>
    public async Task TryUnloadAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model }, cancellationToken: cancellationToken);
        }
        catch (RpcException)
        {
            // The stage fails anyway; the reason it fails is the one to report.
        }
    }
}

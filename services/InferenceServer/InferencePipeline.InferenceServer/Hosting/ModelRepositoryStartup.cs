using InferencePipeline.InferenceServer.Repository;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Hosting;

/// <summary>
/// Loads the start-up models before the server opens its ports (hosted services start before Kestrel):
/// every repository model in mode none, the --load-model list in mode explicit, and in mode poll the poller's
/// first scan (so it knows what it loaded). Frees them all at stop.
/// </summary>
internal sealed class ModelRepositoryStartup(ModelRegistry registry, RepositoryPoller poller, IOptions<InferenceServerOptions> options,
    ILogger<ModelRepositoryStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ModelRepository))
        {
            throw new InvalidOperationException("InferenceServer:ModelRepository (--model-repository) is not set");
        }
        if (!Directory.Exists(settings.ModelRepository))
        {
            throw new DirectoryNotFoundException($"model repository '{Path.GetFullPath(settings.ModelRepository)}' does not exist");
        }

        if (settings.ControlMode == ModelControlMode.Explicit)
        {
            // An explicitly requested model that cannot load is a start-up error, as with tritonserver --load-model.
            foreach (var name in settings.LoadModels.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal))
            {
                await registry.LoadAsync(name, null, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        if (settings.ControlMode == ModelControlMode.Poll)
        {
            await poller.ScanAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var name in registry.RepositoryModels())
        {
            try
            {
                await registry.LoadAsync(name, null, cancellationToken).ConfigureAwait(false);
            }
            catch (InferenceException e)
            {
                // One broken entry must not take the others down; RepositoryIndex shows it UNAVAILABLE with the reason.
                logger.LogError("Model {Model} is unavailable: {Reason}", name, e.Message);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await registry.DisposeAsync().ConfigureAwait(false);
}

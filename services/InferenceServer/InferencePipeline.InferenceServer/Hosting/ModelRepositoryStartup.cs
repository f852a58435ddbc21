using InferencePipeline.InferenceServer.Repository;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Hosting;

/// <summary>
/// Loads the start-up models before the server opens its ports (hosted services start before Kestrel):
/// every repository model in mode none, the --load-model list in mode explicit, and in mode poll the poller's
/// first scan (so it knows what it loaded). With <see cref="InferenceServerOptions.ExitOnError"/> a model that fails
/// to load fails the start, as tritonserver does. Frees them all at stop.
/// </summary>
internal sealed class ModelRepositoryStartup(ModelRegistry registry, RepositoryPoller poller, IOptions<InferenceServerOptions> options,
    ILogger<ModelRepositoryStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ModelRepository))
        {
            throw new InvalidOperationException("no model repository is set: give --model-repository (InferenceServer:ModelRepository) " +
                "a directory of <model>/config.pbtxt and <model>/<version>/model.onnx");
        }
        CheckReadable(Path.GetFullPath(settings.ModelRepository));

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
        }
        else
        {
            foreach (var name in registry.RepositoryModels())
            {
                try
                {
                    await registry.LoadAsync(name, null, cancellationToken).ConfigureAwait(false);
                }
                catch (InferenceException e)
                {
                    // Reported below, all at once, so the log and the failure name every broken model.
                    logger.LogError("Model {Model} is unavailable: {Reason}", name, e.Message);
                }
            }
        }

        // The index has a row per version: a model failed when none of its versions is ready, and it counts once.
        var failed = registry.Index(readyOnly: false)
            .GroupBy(e => e.Name, StringComparer.Ordinal)
            .Where(m => m.Any(e => e.State == ModelIndexEntry.Unavailable) && m.All(e => e.State != ModelIndexEntry.Ready))
            .ToList();
        if (failed.Count > 0 && settings.ExitOnError)
        {
            throw new InvalidOperationException(
                $"{failed.Count} model(s) failed to load and --exit-on-error is true: " +
                string.Join("; ", failed.Select(m => $"'{m.Key}': {Reasons(m)}")) +
                ". Fix them, or start with --exit-on-error=false to serve the others.");
        }
    }

    /// <summary>
    /// A repository that is missing, a file, or unreadable fails the start here, naming the path and the setting, rather
    /// than later as an exception from deep inside a directory listing.
    /// </summary>
    private static void CheckReadable(string root)
    {
        const string Setting = "--model-repository (InferenceServer:ModelRepository)";
        try
        {
            // Not Directory.Exists: it says "no" alike for a path that is missing and one this user may not reach.
            if (!File.GetAttributes(root).HasFlag(FileAttributes.Directory))
            {
                throw new InvalidOperationException($"model repository '{root}' is a file, not a directory: point {Setting} at the directory holding the models");
            }
            using var entries = Directory.EnumerateFileSystemEntries(root).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DirectoryNotFoundException($"model repository '{root}' does not exist: create it, or point {Setting} at the directory holding the models");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InvalidOperationException(
                $"model repository '{root}' cannot be read ({e.Message}): let this user read it, or point {Setting} at another directory", e);
        }
    }

    private static string Reasons(IEnumerable<ModelIndexEntry> rows) =>
        string.Join("; ", rows.Where(e => e.State == ModelIndexEntry.Unavailable)
            .Select(e => e.Version.Length == 0 ? e.Reason : $"version {e.Version}: {e.Reason}"));

    public async Task StopAsync(CancellationToken cancellationToken) => await registry.DisposeAsync().ConfigureAwait(false);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Triton's <c>--model-control-mode=poll</c>: compares the repository with what was loaded from it, every
/// <see cref="InferenceServerOptions.RepositoryPollInterval"/>. New entries load, removed ones unload, changed ones
/// (<see cref="ModelDirectoryFingerprint"/>) reload through the registry, which swaps versions without dropping
/// requests and keeps the previous load serving when the new one fails. A failed load is not retried until the
/// entry changes again, so a broken config is not reloaded (and logged) every interval.
/// </summary>
internal sealed class RepositoryPoller(ModelRegistry registry, IOptions<InferenceServerOptions> options, ILogger<RepositoryPoller> logger)
    : BackgroundService
{
    // Fingerprints of the entries as they were when last loaded (or tried); only the scan touches it, and scans never overlap.
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _scanning = new(1, 1);

    /// <summary>One pass over the repository; the first one (at start-up) loads everything.</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        await _scanning.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var root = options.Value.ModelRepository;
            var present = registry.RepositoryModels();
            foreach (var gone in _seen.Keys.Except(present, StringComparer.Ordinal).ToArray())
            {
                _seen.Remove(gone);
                await registry.UnloadAsync(gone, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Model {Model} left the repository: unloaded", gone);
            }
            foreach (var name in present)
            {
                // Taken before the load, so a change made while loading shows as a difference on the next scan.
                var fingerprint = ModelDirectoryFingerprint.Of(Path.Combine(Path.GetFullPath(root), name));
                if (_seen.TryGetValue(name, out var previous) && previous == fingerprint)
                {
                    continue;
                }
                _seen[name] = fingerprint;
                try
                {
                    await registry.LoadAsync(name, null, cancellationToken).ConfigureAwait(false);
                }
                catch (InferenceException e)
                {
                    // One broken entry must not stop the others; the registry already put the reason in the index.
                    logger.LogError("Model {Model} could not be (re)loaded from the repository: {Reason}", name, e.Message);
                }
            }
        }
        finally
        {
            _scanning.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ControlMode != ModelControlMode.Poll)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.RepositoryPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await ScanAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The repository itself went away or is unreadable for a moment: keep serving, look again next time.
                    logger.LogError("Polling the model repository failed: {Reason}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _scanning.Dispose();
        base.Dispose();
    }
}

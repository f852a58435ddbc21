using Grpc.Core;
using Inference;
using InferencePipeline.KServe.Client;
using InferencePipeline.ModelRepository;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Deployer;

/// <summary>
/// What one deploy changes on the inference server, kept so it can be taken back. Before the deploy writes its entry
/// into the server's repository, an entry already there under the served name (a version deployed earlier, serving or
/// not) is set aside beside it, hidden from the server, and whether the server was serving that name is noted. A deploy
/// that ends without proving its model (the pipeline cancelled, the service stopping, the smoke inference failing) rolls
/// back: this run's entry is unloaded and removed, and the earlier entry put back and, if it was serving, loaded again,
/// so a run that did not finish never leaves its model on the server nor takes down the one that served before it.
/// </summary>
public sealed class ServedEntryChange
{
    private readonly string _entry;
    private readonly string _setAside;
    private readonly string _servedName;
    private readonly bool _wasServing;

    private ServedEntryChange(string entry, string setAside, string servedName, bool wasServing)
    {
        _entry = entry;
        _setAside = setAside;
        _servedName = servedName;
        _wasServing = wasServing;
    }

    /// <summary>Notes whether <paramref name="servedName"/> serves now and sets its entry aside, for a deploy by <paramref name="pipelineId"/>.</summary>
    public static async Task<ServedEntryChange> BeginAsync(
        string repositoryRoot, string servedName, Guid pipelineId, KServeConnection connection, CancellationToken cancellationToken)
    {
        var entry = ModelRepositoryLayout.EntryDirectory(repositoryRoot, servedName);
        // A leading dot keeps the copy out of the server's model list; the pipeline id lets a redelivered command find
        // the copy its first attempt made, which still holds what served before that attempt.
        var setAside = Path.Combine(repositoryRoot, $".{servedName}.before-{pipelineId:N}");
        var wasServing = await IsServingAsync(connection.Client, servedName, cancellationToken);
        if (Directory.Exists(entry))
        {
            if (Directory.Exists(setAside))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                Directory.Move(entry, setAside);
            }
        }

        return new ServedEntryChange(entry, setAside, servedName, wasServing);
    }

    /// <summary>The deploy proved its model: the earlier entry is no longer needed.</summary>
    public void Commit()
    {
        if (Directory.Exists(_setAside))
        {
            Directory.Delete(_setAside, recursive: true);
        }
    }

    /// <summary>
    /// Puts the server back as it was before the deploy, best effort within <paramref name="timeout"/> and whatever
    /// cancelled the deploy: what fails is logged, never thrown over the deploy's own outcome.
    /// </summary>
    public async Task RollBackAsync(KServeConnection connection, TimeSpan timeout, ILogger logger)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            var restoring = Directory.Exists(_setAside);
            if (!(restoring && _wasServing) && await connection.ModelControl.TryUnloadAsync(_servedName, limit.Token) is { } refused)
            {
                logger.LogWarning("Could not unload '{Served}' after an unfinished deploy: {Detail} ({Code})", _servedName, refused.Status.Detail, refused.StatusCode);
            }

            if (Directory.Exists(_entry))
            {
                Directory.Delete(_entry, recursive: true);
            }

            if (restoring)
            {
                Directory.Move(_setAside, _entry);
                if (_wasServing)
                {
                    // A reload of the earlier files replaces this run's model in place, as it replaced the earlier one.
                    await connection.ModelControl.LoadAsync(_servedName, timeout, limit.Token);
                }
            }

            logger.LogInformation("Rolled back the unfinished deploy of '{Served}': {State}", _servedName,
                restoring ? _wasServing ? "the earlier entry serves again" : "the earlier entry is back, not loaded" : "unloaded and removed");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RpcException or ModelLoadException or OperationCanceledException)
        {
            logger.LogWarning(e, "Could not roll back the unfinished deploy of '{Served}' (entry {Entry}); check the inference server", _servedName, _entry);
        }
    }

    private static async Task<bool> IsServingAsync(GRPCInferenceService.GRPCInferenceServiceClient client, string servedName, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.ModelReadyAsync(new ModelReadyRequest { Name = servedName }, cancellationToken: cancellationToken)).Ready;
        }
        catch (RpcException e) when (!KServeTransientFaults.IsTransient(e))
        {
            // Triton answers a name it has never seen with an error, not with ready = false.
            return false;
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.ModelRepository;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Which models are loaded (each with the versions its policy serves), and their repository state. Loads and
/// unloads are serialized; lookups on the request path are two dictionary reads plus a reference count. A load
/// of a loaded model swaps the new versions in once they are all ready; the old ones finish what they have and
/// are freed by their last request. A failed reload leaves the old versions serving. As in Triton, a failed load
/// lists each selected version in the index with its reason, and a request naming one of them hears that the
/// version is not ready (UNAVAILABLE) rather than that it does not exist.
/// </summary>
internal sealed class ModelRegistry(ModelLoader loader, ILogger<ModelRegistry> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ModelVersions> _ready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<ModelIndexEntry>> _states = new(StringComparer.Ordinal);
    // Versions the model's last load tried and does not serve; only the miss path of a lookup reads it.
    private readonly ConcurrentDictionary<string, IReadOnlySet<string>> _notReady = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changes = new(1, 1);

    /// <summary>Whether the model (its highest version when <paramref name="version"/> is empty) is ready.</summary>
    public bool IsReady(string name, string? version = null) =>
        _ready.TryGetValue(name, out var versions) && versions.TryGet(version, out _);

    /// <summary>The loaded model version for a request, with a reference the caller must <see cref="LoadedModel.Release"/>.</summary>
    public LoadedModel Acquire(string name, string? version)
    {
        while (true)
        {
            var model = Get(name, version);
            if (model.TryAcquire())
            {
                return model;
            }
            // Retired between the read and the acquire: a replacement is (or is not) in the dictionary now.
            Thread.Yield();
        }
    }

    /// <summary>The loaded model version without taking a reference (for metadata, config and statistics).</summary>
    public LoadedModel Get(string name, string? version)
    {
        if (_ready.TryGetValue(name, out var versions) && versions.TryGet(version, out var model))
        {
            return model;
        }
        throw NotServed(name, version, versions);
    }

    // Triton's answers: a version its last load tried is known but not ready; a model none of whose versions
    // loaded has no available versions; anything else is unknown.
    private InferenceException NotServed(string name, string? version, ModelVersions? serving)
    {
        if (_notReady.TryGetValue(name, out var notReady))
        {
            if (!string.IsNullOrEmpty(version) && notReady.Contains(version))
            {
                return InferenceException.NotReady(name, version);
            }
            if (string.IsNullOrEmpty(version) && serving is null)
            {
                return InferenceException.NoAvailableVersions(name);
            }
        }
        return serving is null ? InferenceException.UnknownModel(name) : InferenceException.UnknownModel(name, version);
    }

    /// <summary>Every loaded version of the model, lowest first.</summary>
    public IReadOnlyList<LoadedModel> Versions(string name) =>
        _ready.TryGetValue(name, out var versions) ? versions.All : throw InferenceException.UnknownModel(name);

    /// <summary>Every loaded version of every model, by name then version.</summary>
    public IEnumerable<LoadedModel> Loaded =>
        _ready.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value.All);

    public async Task LoadAsync(string name, ModelOverride? modelOverride, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _ready.TryGetValue(name, out var serving);
            if (serving is null)
            {
                _states[name] = [new ModelIndexEntry(name, "", ModelIndexEntry.Loading, "")];
            }
            ModelVersions versions;
            try
            {
                versions = await Task.Run(() => loader.Load(name, modelOverride), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var failure = e switch
                {
                    InferenceException known => known,
                    // Triton answers a load whose versions failed with INVALID_ARG.
                    ModelVersionsLoadException => new InferenceException(StatusCode.InvalidArgument, e.Message, e),
                    _ => new InferenceException(StatusCode.Internal, $"failed to load '{name}': {e.Message}", e),
                };
                var tried = e is ModelVersionsLoadException failed ? Tried(name, failed, serving) : [];
                _states[name] = FailedLoadStates(name, serving, failure, tried);
                if (tried.Length > 0)
                {
                    _notReady[name] = tried.Select(r => r.Version).ToHashSet(StringComparer.Ordinal);
                }
                else
                {
                    _notReady.TryRemove(name, out _);
                }
                logger.LogWarning("Loading model {Model} failed: {Reason}", name, failure.Message);
                throw failure;
            }

            _ready[name] = versions;
            _notReady.TryRemove(name, out _);
            serving?.Retire();
            _states[name] = Entries(name, versions, ModelIndexEntry.Ready, string.Join("; ", versions.Latest.Definition.LoadNotes));
            logger.LogInformation("Model {Model} versions [{Versions}] ready with {Instances} instance(s) each, dynamic batching {Batching}",
                name, string.Join(", ", versions.All.Select(v => v.Definition.Version)), versions.Latest.InstanceCount,
                versions.Latest.Definition.DynamicBatching);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Unloads every version of the model; requests already running on them finish.</summary>
    public async Task UnloadAsync(string name, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _notReady.TryRemove(name, out _);
            if (_ready.TryRemove(name, out var versions))
            {
                versions.Retire();
                _states[name] = Entries(name, versions, ModelIndexEntry.Unavailable, "unloaded");
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Every model of the repository and every model ever loaded, one row per version once a load has chosen
    /// versions, with its state (Triton's RepositoryIndex).
    /// </summary>
    public IReadOnlyList<ModelIndexEntry> Index(bool readyOnly)
    {
        var entries = new SortedDictionary<string, IReadOnlyList<ModelIndexEntry>>(StringComparer.Ordinal);
        foreach (var name in ModelRepositoryLayout.Models(loader.RepositoryRoot))
        {
            entries[name] = [new ModelIndexEntry(name, "", "", "")];
        }
        foreach (var (name, states) in _states)
        {
            entries[name] = states;
        }
        return entries.Values.SelectMany(e => e).Where(e => !readyOnly || e.State == ModelIndexEntry.Ready).ToList();
    }

    /// <summary>Names of the models in the repository directory.</summary>
    public IReadOnlyList<string> RepositoryModels() => ModelRepositoryLayout.Models(loader.RepositoryRoot);

    private static ModelIndexEntry[] Entries(string name, ModelVersions versions, string state, string reason) =>
        versions.All.Select(v => new ModelIndexEntry(name, v.Definition.Version, state, reason)).ToArray();

    /// <summary>
    /// The index after a failed load: Triton keeps serving what it had when a reload fails, so those versions stay
    /// READY and say why the new load is not there; the versions the load tried and does not serve show their reasons.
    /// </summary>
    private static ModelIndexEntry[] FailedLoadStates(string name, ModelVersions? serving, InferenceException failure, ModelIndexEntry[] tried)
    {
        var kept = serving is null
            ? []
            : Entries(name, serving, ModelIndexEntry.Ready, $"reload failed, still serving the previous load: {failure.Message}");
        return kept.Length + tried.Length == 0
            ? [new ModelIndexEntry(name, "", ModelIndexEntry.Unavailable, failure.Message)]
            : kept.Concat(tried).OrderBy(r => long.Parse(r.Version, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The versions a failed load tried that are not served (those still served keep their rows), each with its reason.</summary>
    private static ModelIndexEntry[] Tried(string name, ModelVersionsLoadException failed, ModelVersions? serving) =>
        failed.Selected
            .Select(v => v.ToString(CultureInfo.InvariantCulture))
            .Where(v => serving is null || !serving.TryGet(v, out _))
            .Select(v => new ModelIndexEntry(name, v, ModelIndexEntry.Unavailable, failed.ReasonFor(long.Parse(v, CultureInfo.InvariantCulture))))
            .ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _ready.Keys.ToArray())
        {
            if (_ready.TryRemove(name, out var versions))
            {
                versions.Retire();
                try
                {
                    await Task.WhenAll(versions.All.Select(v => v.Released)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    logger.LogWarning("Model {Model} still had requests running 10 s after shutdown began", name);
                }
            }
        }
    }
}

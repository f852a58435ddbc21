using System.Collections.Concurrent;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.ModelRepository;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Which models are loaded, and their repository state. Loads and unloads are serialized; lookups on the
/// request path are a dictionary read plus a reference count. A load of a loaded model swaps the new one
/// in once it is ready; the old one finishes what it has and is freed by its last request.
/// </summary>
internal sealed class ModelRegistry(ModelLoader loader, ILogger<ModelRegistry> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LoadedModel> _ready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelIndexEntry> _states = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changes = new(1, 1);

    public bool IsReady(string name, string? version = null) =>
        _ready.TryGetValue(name, out var model) && (string.IsNullOrEmpty(version) || version == model.Definition.Version);

    /// <summary>The loaded model for a request, with a reference the caller must <see cref="LoadedModel.Release"/>.</summary>
    public LoadedModel Acquire(string name, string? version)
    {
        while (true)
        {
            if (!_ready.TryGetValue(name, out var model))
            {
                throw InferenceException.UnknownModel(name);
            }
            if (!string.IsNullOrEmpty(version) && version != model.Definition.Version)
            {
                throw InferenceException.UnknownModel(name, version);
            }
            if (model.TryAcquire())
            {
                return model;
            }
            // Retired between the read and the acquire: a replacement is (or is not) in the dictionary now.
            Thread.Yield();
        }
    }

    /// <summary>The loaded model without taking a reference (for metadata, config and statistics).</summary>
    public LoadedModel Get(string name, string? version)
    {
        if (!_ready.TryGetValue(name, out var model))
        {
            throw InferenceException.UnknownModel(name);
        }
        if (!string.IsNullOrEmpty(version) && version != model.Definition.Version)
        {
            throw InferenceException.UnknownModel(name, version);
        }
        return model;
    }

    public IEnumerable<LoadedModel> Loaded => _ready.Values;

    public async Task LoadAsync(string name, ModelConfig? overrideConfig, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wasReady = _ready.ContainsKey(name);
            if (!wasReady)
            {
                _states[name] = new ModelIndexEntry(name, "", ModelIndexEntry.Loading, "");
            }
            LoadedModel model;
            try
            {
                model = await Task.Run(() => loader.Load(name, overrideConfig), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (!wasReady)
                {
                    _states[name] = new ModelIndexEntry(name, "", ModelIndexEntry.Unavailable, e.Message);
                }
                logger.LogWarning("Loading model {Model} failed: {Reason}", name, e.Message);
                throw e as InferenceException ?? new InferenceException(StatusCode.Internal, $"failed to load '{name}': {e.Message}", e);
            }

            LoadedModel? previous = null;
            _ready.AddOrUpdate(name, model, (_, old) => { previous = old; return model; });
            previous?.Retire();
            _states[name] = new ModelIndexEntry(name, model.Definition.Version, ModelIndexEntry.Ready, "");
            logger.LogInformation("Model {Model} version {Version} ready with {Instances} instance(s), dynamic batching {Batching}",
                name, model.Definition.Version, model.InstanceCount, model.Definition.DynamicBatching);
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task UnloadAsync(string name, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready.TryRemove(name, out var model))
            {
                model.Retire();
                _states[name] = new ModelIndexEntry(name, model.Definition.Version, ModelIndexEntry.Unavailable, "unloaded");
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Every model of the repository and every model ever loaded, with its state (Triton's RepositoryIndex).</summary>
    public IReadOnlyList<ModelIndexEntry> Index(bool readyOnly)
    {
        var entries = new SortedDictionary<string, ModelIndexEntry>(StringComparer.Ordinal);
        foreach (var name in ModelRepositoryLayout.Models(loader.RepositoryRoot))
        {
            entries[name] = new ModelIndexEntry(name, "", "", "");
        }
        foreach (var (name, state) in _states)
        {
            entries[name] = state;
        }
        return entries.Values.Where(e => !readyOnly || e.State == ModelIndexEntry.Ready).ToList();
    }

    /// <summary>Names of the models in the repository directory.</summary>
    public IReadOnlyList<string> RepositoryModels() => ModelRepositoryLayout.Models(loader.RepositoryRoot);

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _ready.Keys.ToArray())
        {
            if (_ready.TryRemove(name, out var model))
            {
                model.Retire();
                try
                {
                    await model.Released.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    logger.LogWarning("Model {Model} still had requests running 10 s after shutdown began", name);
                }
            }
        }
    }
}

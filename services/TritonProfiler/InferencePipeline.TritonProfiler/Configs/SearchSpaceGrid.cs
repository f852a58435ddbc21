using Inference;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Search;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.TritonProfiler.Configs;

/// <summary>
/// A pipeline's <see cref="SearchSpace"/> as a grid over the ORT-tuned config: dynamic batching with each preferred
/// size on its own ([[1],[2],...], or no batching when none is given) × instance count × each ONNX Runtime backend
/// parameter's values. The config at a coordinate is named after its place in the cross product
/// (<c>&lt;model&gt;_config_&lt;i&gt;</c>), so the names are the same whether brute force or quick search visits it.
/// A model without a batch dimension (max_batch_size 0, as many exported vision models are) cannot batch: its grid has
/// no batching axis, whatever sizes the space gives, as Model Analyzer's automatic space leaves it out for such models.
/// </summary>
public sealed class SearchSpaceGrid : IConfigGrid
{
    private readonly ProfileModel _request;
    private readonly ModelConfigDocument _tuned;
    private readonly string _tunedModel;
    private readonly IReadOnlyList<IReadOnlyList<int>> _batchings;
    private readonly bool _batchingAxis;
    private readonly IReadOnlyList<int> _instances;
    private readonly IReadOnlyList<(string Key, IReadOnlyList<string> Values)> _parameters;

    public SearchSpaceGrid(ProfileModel request, ModelConfigDocument tuned, string tunedModel)
    {
        _request = request;
        _tuned = tuned;
        _tunedModel = tunedModel;
        var space = request.SearchSpace;
        BatchingDropped = space.PreferredBatchSizes.Count > 0 && tuned.Config.MaxBatchSize == 0;
        _batchingAxis = space.PreferredBatchSizes.Count > 0 && !BatchingDropped;
        _batchings = _batchingAxis ? space.PreferredBatchSizes.Distinct().Select(size => (IReadOnlyList<int>)[size]).ToList() : [[]];
        _instances = space.InstanceCounts.Distinct().ToList();
        _parameters = (space.BackendParameters ?? new Dictionary<string, IReadOnlyList<string>>())
            .Where(p => p.Value.Count > 0)
            .Select(p => (p.Key, (IReadOnlyList<string>)p.Value.Distinct().ToList()))
            .ToList();

        var axes = new List<SearchAxis>();
        if (_batchingAxis)
        {
            axes.Add(new SearchAxis("dynamic_batching.preferred_batch_size", _batchings.Select(b => $"[{string.Join(", ", b)}]").ToList()));
        }

        axes.Add(new SearchAxis("instance_group.count", _instances.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()));
        axes.AddRange(_parameters.Select(p => new SearchAxis($"parameters.{p.Key}", p.Values)));
        Axes = axes;
    }

    public IReadOnlyList<SearchAxis> Axes { get; }

    /// <summary>The space asked for dynamic batching, but the model has no batch dimension, so the grid searches without it.</summary>
    public bool BatchingDropped { get; }

    public PlannedServingConfig At(IReadOnlyList<int> coordinate)
    {
        var a = 0;
        var batching = _batchingAxis ? _batchings[coordinate[a++]] : _batchings[0];
        var instances = _instances[coordinate[a++]];
        var name = ServingConfigGenerator.SearchName(_request.ModelName, this.LinearIndex(coordinate));
        var config = ServingConfigVariants.With(_tuned.Config, name, batching, instances);
        foreach (var (key, values) in _parameters)
        {
            config.Parameters[key] = new ModelParameter { StringValue = values[coordinate[a++]] };
        }

        return new PlannedServingConfig(name, ConfigVariant.TritonSearch, _tuned.WithConfig(config), _tunedModel, ServingConfigGenerator.UriOf(_request.PipelineId, name));
    }
}

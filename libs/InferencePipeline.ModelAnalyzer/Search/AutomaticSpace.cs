using System.Globalization;
using Inference;
using InferencePipeline.ModelAnalyzer.Config;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// Model Analyzer's automatic search space for a model whose <c>model_config_parameters</c> are not given: instance
/// counts from <c>run_config_search_min_instance_count</c> to <c>..._max_instance_count</c> × max_batch_size in
/// powers of 2 from <c>run_config_search_min_model_batch_size</c> to <c>..._max_model_batch_size</c>, with dynamic
/// batching on. A model that does not batch (max_batch_size 0) gets the instance counts only. Written as a
/// <c>model_config_parameters</c> tree, so it is searched like one; backend <c>parameters</c> the user lists are
/// added as further axes (ONNX Runtime's knobs searched jointly with batching).
/// </summary>
public static class AutomaticSpace
{
    public static ParameterMap For(ModelConfig baseline, ModelAnalyzerConfig settings, ParameterNode? backendParameters = null)
    {
        const string root = "(automatic search)";
        var kind = baseline.InstanceGroup.Count > 0 ? baseline.InstanceGroup[0].Kind : ModelInstanceGroup.Types.Kind.Cpu;
        var counts = Enumerable.Range(settings.MinInstanceCount, settings.MaxInstanceCount - settings.MinInstanceCount + 1);
        var entries = new List<KeyValuePair<string, ParameterNode>>
        {
            new("instance_group", new ParameterList(root, 0,
            [
                new ParameterMap(root, 0,
                [
                    new("count", List(counts)),
                    new("kind", new ParameterScalar(root, 0, KindName(kind))),
                ]),
            ])),
        };

        if (baseline.MaxBatchSize > 0)
        {
            entries.Add(new("max_batch_size", List(PowersOfTwo(settings.MinModelBatchSize, settings.MaxModelBatchSize))));
            entries.Add(new("dynamic_batching", new ParameterMap(root, 0, [])));
        }

        if (backendParameters is not null)
        {
            entries.Add(new(ConfigMerge.ParametersField, backendParameters));
        }

        return new ParameterMap(root, 0, entries);

        ParameterList List(IEnumerable<int> values) =>
            new(root, 0, values.Select(v => (ParameterNode)new ParameterScalar(root, 0, v.ToString(CultureInfo.InvariantCulture))).ToList());
    }

    /// <summary>Powers of two from <paramref name="min"/> (rounded up to one) to <paramref name="max"/>.</summary>
    public static IReadOnlyList<int> PowersOfTwo(int min, int max)
    {
        var values = new List<int>();
        var v = 1;
        while (v < min)
        {
            v *= 2;
        }

        for (; v <= max; v *= 2)
        {
            values.Add(v);
        }

        return values.Count > 0 ? values : [min];
    }

    private static string KindName(ModelInstanceGroup.Types.Kind kind) => kind switch
    {
        ModelInstanceGroup.Types.Kind.Gpu => "KIND_GPU",
        ModelInstanceGroup.Types.Kind.Model => "KIND_MODEL",
        ModelInstanceGroup.Types.Kind.Auto => "KIND_AUTO",
        _ => "KIND_CPU",
    };
}

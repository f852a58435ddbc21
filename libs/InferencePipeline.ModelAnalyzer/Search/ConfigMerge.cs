using Google.Protobuf.Reflection;
using Inference;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// How a point of <c>model_config_parameters</c> changes the model's config, as Model Analyzer does it: each
/// top-level field it names replaces the model's (a new instance_group replaces the old groups, a dynamic_batching
/// block replaces the old one), except <c>parameters</c>, whose keys are set one by one so the backend parameters
/// the config already has (an ORT-tuned config's) stay. A preferred batch size above max_batch_size, which Triton
/// refuses, raises max_batch_size when the point does not set it.
/// </summary>
public static class ConfigMerge
{
    public const string ParametersField = "parameters";

    public static ModelConfig Apply(ModelConfig baseline, ModelConfig point, IReadOnlyCollection<string> fieldsSet)
    {
        var config = baseline.Clone();
        foreach (var name in fieldsSet.Where(n => n != ParametersField))
        {
            if (ModelConfig.Descriptor.FindFieldByName(name) is { } field)
            {
                Clear(config, field);
            }
        }

        config.MergeFrom(point);
        if (config.DynamicBatching is { PreferredBatchSize.Count: > 0 } batching && !fieldsSet.Contains("max_batch_size"))
        {
            config.MaxBatchSize = Math.Max(config.MaxBatchSize, batching.PreferredBatchSize.Max());
        }

        return config;
    }

    private static void Clear(ModelConfig config, FieldDescriptor field)
    {
        if (field.ContainingOneof is { } oneof)
        {
            oneof.Accessor.Clear(config);
        }
        else
        {
            field.Accessor.Clear(config);
        }
    }
}

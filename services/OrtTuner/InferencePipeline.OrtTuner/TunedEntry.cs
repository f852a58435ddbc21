using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// The tuned Triton repository entry: the default config with the chosen ORT settings written the way Triton's ONNX
/// Runtime backend reads them (<see cref="OrtConfigParameters"/>: graph level, thread counts, execution mode, TensorRT
/// with its precision mode, instance kind), and beside it, as <c>1/model.onnx</c>, the model file those settings ran:
/// the converted model, or its int8/fp16 transform.
/// </summary>
public static class TunedEntry
{
    public static async Task<string> WriteAsync(
        string repositoryRoot, string modelName, string modelPath, ModelConfigDocument defaultConfig, OrtSettings chosen, CancellationToken ct)
    {
        var config = defaultConfig.Config.Clone();
        config.Name = modelName;
        OrtConfigParameters.Apply(config, chosen);
        // The user's fields our ModelConfig does not know (Triton's sequence_batching, ...) go on to the tuned config.
        return await ModelRepositoryLayout.CreateEntryAsync(repositoryRoot, modelName, modelPath, defaultConfig.WithConfig(config), 1, ct);
    }
}

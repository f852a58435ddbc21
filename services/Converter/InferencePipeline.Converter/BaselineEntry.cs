using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Converter;

/// <summary>
/// The seed's baseline (<c>bert_default</c>): the model served as converted, ONNX Runtime backend, one instance,
/// no dynamic batching, ORT's defaults. The converter stage and <c>inferpipe convert</c> both write it from here.
/// </summary>
public static class BaselineEntry
{
    /// <summary>
    /// Triton treats the first dimension as the batch only when max_batch_size &gt; 0, so batching is offered
    /// only if every input and output has a dynamic first dimension.
    /// </summary>
    public static int MaxBatchSizeFor(OnnxModelInfo model, int dynamicMaxBatchSize) =>
        model.Inputs.Concat(model.Outputs).All(t => t.Shape.Count > 0 && t.Shape[0] < 0) ? dynamicMaxBatchSize : 0;

    /// <summary>
    /// The baseline config.pbtxt of the model with its own dims: open ones stay -1, as Triton wants; the sizes a
    /// pipeline measures at travel in its messages, not in the config. <paramref name="gpu"/>: one KIND_GPU instance
    /// (CUDA, fp32), the seed's baseline on its V100; else one KIND_CPU instance.
    /// </summary>
    /// <exception cref="ArgumentException">Triton's ONNX backend cannot describe the model (a tensor without a batch dim, no outputs).</exception>
    public static ModelConfig Config(string modelName, OnnxModelInfo model, int maxBatchSize, bool gpu = false) =>
        DefaultModelConfig.Create(modelName, model.Inputs, model.Outputs, maxBatchSize, gpu);

    /// <summary>
    /// Writes <c>&lt;repository&gt;/&lt;model&gt;/config.pbtxt</c> and <c>1/model.onnx</c>, with the model's external-data
    /// files beside it.
    /// </summary>
    public static Task<string> WriteAsync(string repository, string modelName, string onnxPath, ModelConfig config, CancellationToken ct) =>
        ModelRepositoryLayout.CreateEntryAsync(repository, modelName, onnxPath, config, 1, ct);
}

using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// The baseline serving config the seed calls <c>bert_default</c>: what a plain conversion gets before any
/// tuning — ONNX Runtime backend, the model's inputs/outputs, one instance (CPU, or GPU on a GPU host), no dynamic
/// batching and no ORT parameters (so ORT runs with its defaults).
/// </summary>
public static class DefaultModelConfig
{
    public const string Backend = "onnxruntime";
    public const string Platform = "onnxruntime_onnx";

    /// <param name="name">Model name (must match the repository directory).</param>
    /// <param name="inputs">Inputs with full shapes: -1 for dynamic dims, including the leading batch dim.</param>
    /// <param name="outputs">Outputs, same convention.</param>
    /// <param name="maxBatchSize">
    /// Triton's max_batch_size. When &gt; 0 the first dim of every tensor is the batch dim and is left out of
    /// <c>dims</c>, as Triton requires; 0 means the model does not batch and dims are the full shapes.
    /// </param>
    /// <param name="gpu">
    /// One KIND_GPU instance instead of KIND_CPU: the seed's baseline on a GPU host, where Triton's onnxruntime
    /// backend then runs the CUDA execution provider in fp32 (no accelerator, no precision parameter).
    /// </param>
    public static ModelConfig Create(string name, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, int maxBatchSize, bool gpu = false)
    {
        ModelNames.Validate(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBatchSize);
        if (inputs.Count == 0)
        {
            throw new ArgumentException($"model '{name}' needs at least one input", nameof(inputs));
        }

        if (outputs.Count == 0)
        {
            throw new ArgumentException($"model '{name}' needs at least one output", nameof(outputs));
        }

        var config = new ModelConfig
        {
            Name = name,
            Platform = Platform,
            Backend = Backend,
            MaxBatchSize = maxBatchSize,
        };

        foreach (var spec in inputs)
        {
            var input = new ModelInput { Name = spec.Name, DataType = TensorDataType.Parse(spec.DataType).ConfigType };
            input.Dims.AddRange(DimsOf(spec, maxBatchSize, out bool scalar));
            if (scalar)
            {
                input.Reshape = new ModelTensorReshape();
            }

            config.Input.Add(input);
        }

        foreach (var spec in outputs)
        {
            var output = new ModelOutput { Name = spec.Name, DataType = TensorDataType.Parse(spec.DataType).ConfigType };
            output.Dims.AddRange(DimsOf(spec, maxBatchSize, out bool scalar));
            if (scalar)
            {
                output.Reshape = new ModelTensorReshape();
            }

            config.Output.Add(output);
        }

        config.InstanceGroup.Add(new ModelInstanceGroup { Count = 1, Kind = gpu ? ModelInstanceGroup.Types.Kind.Gpu : ModelInstanceGroup.Types.Kind.Cpu });
        return config;
    }

    /// <summary>
    /// Triton dims for one tensor. A batched tensor whose only dim is the batch dim becomes dims [1] with an
    /// empty reshape (Triton's way of saying "one scalar per batch item").
    /// </summary>
    private static IEnumerable<long> DimsOf(TensorSpec spec, int maxBatchSize, out bool scalarPerItem)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            throw new ArgumentException("a tensor has no name", nameof(spec));
        }

        scalarPerItem = false;
        if (maxBatchSize == 0)
        {
            if (spec.Shape.Count == 0)
            {
                scalarPerItem = true;
                return [1];
            }

            return spec.Shape;
        }

        if (spec.Shape.Count == 0)
        {
            throw new ArgumentException(
                $"tensor '{spec.Name}' has no dimensions, so it has no batch dimension; use max_batch_size 0", nameof(spec));
        }

        if (spec.Shape.Count == 1)
        {
            scalarPerItem = true;
            return [1];
        }

        return spec.Shape.Skip(1);
    }
}

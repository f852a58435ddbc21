using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx;

/// <summary>
/// The proof that a server serves the model a config names, whatever protocol reaches it: the same seeded random
/// inputs for the config's tensors, and the answer ONNX Runtime gives in this process on the same file with the
/// config's ORT settings (and Triton's reshape), to compare the server's answer with.
/// </summary>
public static class ServedModelCheck
{
    private const int Seed = 1234;

    /// <summary>Non-batch dims the config leaves dynamic get this size: small, but more than the degenerate 1.</summary>
    private const long DynamicDimSize = 8;

    /// <summary>
    /// Samples in one check request: two when the model batches (so a server that mixes up samples in a batch
    /// shows), one otherwise.
    /// </summary>
    public static int BatchSize(ModelConfig config) => config.MaxBatchSize > 0 ? Math.Min(2, config.MaxBatchSize) : 1;

    /// <summary>Seeded random inputs for one request of <see cref="BatchSize"/> samples.</summary>
    /// <param name="sizes">
    /// The pipeline's inputs (<c>ModelConverted.Inputs</c>): where one gives a size for a dim the config leaves open,
    /// that size is sent (a CNN may need its image size); null or no size: <see cref="DynamicDimSize"/>.
    /// </param>
    public static (IReadOnlyList<RawInputTensor> Inputs, int BatchSize) Inputs(ModelConfig config, IReadOnlyList<TensorSpec>? sizes = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var batchSize = BatchSize(config);
        return (InputFactory.CreateRaw(Specs(config, sizes), batchSize, Seed, dynamicDimSize: DynamicDimSize), batchSize);
    }

    /// <summary>
    /// The config's inputs as KServe tensors (the batch dim first, as -1, when the model batches); open dims stay -1
    /// unless <paramref name="sizes"/> gives them a size.
    /// </summary>
    public static IReadOnlyList<TensorSpec> Specs(ModelConfig config, IReadOnlyList<TensorSpec>? sizes = null)
    {
        var hasBatch = config.MaxBatchSize > 0;
        return config.Input
            .Select(input => new TensorSpec(input.Name, KServeName(input.DataType), hasBatch ? [-1, .. Dims(input, sizes, hasBatch)] : Dims(input, sizes, hasBatch)))
            .ToList();
    }

    /// <summary>The config's dims of one input (without the batch), each open one given the pipeline's size where it has one.</summary>
    private static List<long> Dims(ModelInput input, IReadOnlyList<TensorSpec>? sizes, bool hasBatch)
    {
        var dims = input.Dims.ToList();
        var declared = sizes?.FirstOrDefault(s => s.Name == input.Name)?.Shape;
        var inner = declared is null ? null : hasBatch ? declared.Skip(1).ToList() : declared.ToList();
        if (inner is null || inner.Count != dims.Count)
        {
            return dims;
        }

        return dims.Select((d, i) => d < 0 && inner[i] > 0 ? inner[i] : d).ToList();
    }

    /// <summary>What ONNX Runtime answers in this process, output name → values as floats.</summary>
    public static Dictionary<string, float[]> Expected(ModelConfig config, string modelPath, IReadOnlyList<RawInputTensor> inputs, int batchSize)
    {
        using var session = OrtSessionFactory.Create(modelPath, OrtConfigParameters.Read(config));
        var values = inputs.Select(input =>
        {
            // Triton's reshape: the config's dims are what clients send, the reshape is what the model takes.
            var declared = config.Input.First(i => i.Name == input.Name);
            if (declared.Reshape is null)
            {
                return input.ToNamedOnnxValue();
            }

            long[] shape = config.MaxBatchSize > 0 ? [batchSize, .. declared.Reshape.Shape] : [.. declared.Reshape.Shape];
            return TensorBytes.ToNamedOnnxValue(input.Name, input.DataType, shape, input.Data);
        }).ToList();
        using var results = session.Run(values);
        return OnnxOutputs.ToFloatArrays(results);
    }

    private static string KServeName(DataType dataType) =>
        TensorDataType.FromConfig(dataType)?.Name ?? throw new ArgumentException($"Triton datatype {dataType} has no KServe v2 name", nameof(dataType));
}

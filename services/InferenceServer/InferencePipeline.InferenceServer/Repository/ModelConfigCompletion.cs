using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.KServe;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Fills inputs/outputs the config leaves out from the ONNX model (Triton's auto-complete), and refuses a
/// config whose tensors the model does not have, so mistakes show at load time rather than per request.
/// Its errors describe one version's model; the loader says which model and version they belong to.
/// </summary>
internal static class ModelConfigCompletion
{
    public static void CompleteAndCheck(ModelConfig config, InferenceSession session)
    {
        var batchDims = config.MaxBatchSize > 0 ? 1 : 0;
        if (config.Input.Count == 0)
        {
            foreach (var (name, meta) in session.InputMetadata)
            {
                config.Input.Add(new ModelInput { Name = name, DataType = ConfigType(config, name, meta), Dims = { Dims(meta, batchDims) } });
            }
        }
        if (config.Output.Count == 0)
        {
            foreach (var (name, meta) in session.OutputMetadata)
            {
                config.Output.Add(new ModelOutput { Name = name, DataType = ConfigType(config, name, meta), Dims = { Dims(meta, batchDims) } });
            }
        }

        foreach (var input in config.Input)
        {
            Check(config, "input", input.Name, input.DataType, session.InputMetadata);
        }
        foreach (var output in config.Output)
        {
            Check(config, "output", output.Name, output.DataType, session.OutputMetadata);
        }
    }

    private static void Check(ModelConfig config, string kind, string name, DataType declared,
        IReadOnlyDictionary<string, NodeMetadata> model)
    {
        if (!model.TryGetValue(name, out var meta))
        {
            throw InferenceException.Invalid(
                $"config {kind} '{name}' is not an {kind} of the model (model {kind}s: {string.Join(", ", model.Keys)})");
        }
        var actual = ConfigType(config, name, meta);
        if (actual != declared)
        {
            throw InferenceException.Invalid(
                $"config {kind} '{name}' is {TensorDataType.NameOf(declared)} but the model's is {TensorDataType.NameOf(actual)}");
        }
    }

    private static DataType ConfigType(ModelConfig config, string name, NodeMetadata meta)
    {
        if (meta.IsString)
        {
            return DataType.TypeString;
        }
        return TensorDataType.FromOnnx((int)meta.ElementDataType)?.ConfigType
            ?? throw InferenceException.Invalid($"tensor '{name}' has element type {meta.ElementDataType}, which this server does not run");
    }

    private static IEnumerable<long> Dims(NodeMetadata meta, int skip) =>
        meta.Dimensions.Skip(skip).Select(d => d < 0 ? -1L : d);
}

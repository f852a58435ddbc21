using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;

namespace InferencePipeline.Onnx;

/// <summary>
/// Checks a config.pbtxt against the model it serves, with Triton's rules: every config input and output exists in
/// the model with the same datatype; with max_batch_size &gt; 0 the model's first dim is the (dynamic) batch dim and
/// config dims describe the rest; <c>reshape</c>, when present, is the shape the model sees; -1 matches any size;
/// every model input is in the config; preferred batch sizes fit max_batch_size. Reports all problems at once.
/// </summary>
public static class ModelConfigValidator
{
    public static void Validate(ModelConfig config, OnnxModelInfo model)
    {
        var problems = Problems(config, model);
        if (problems.Count > 0)
        {
            throw new ModelConfigMismatchException(config.Name, problems);
        }
    }

    public static IReadOnlyList<string> Problems(ModelConfig config, OnnxModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<string>();
        if (config.MaxBatchSize < 0)
        {
            problems.Add($"max_batch_size {config.MaxBatchSize} is negative");
        }

        foreach (var input in config.Input)
        {
            Check("input", input.Name, input.DataType, input.Dims, input.Reshape, model.Inputs, config.MaxBatchSize, problems);
        }

        foreach (var output in config.Output)
        {
            Check("output", output.Name, output.DataType, output.Dims, output.Reshape, model.Outputs, config.MaxBatchSize, problems);
        }

        foreach (var missing in model.Inputs.Where(m => config.Input.All(i => i.Name != m.Name)))
        {
            problems.Add($"model input '{missing.Name}' is missing from the config");
        }

        if (config.DynamicBatching is { } batching)
        {
            foreach (int size in batching.PreferredBatchSize.Where(s => s < 1 || s > config.MaxBatchSize))
            {
                problems.Add($"preferred batch size {size} is outside 1..max_batch_size ({config.MaxBatchSize})");
            }
        }

        return problems;
    }

    private static void Check(
        string kind,
        string name,
        DataType dataType,
        IReadOnlyList<long> dims,
        ModelTensorReshape? reshape,
        IReadOnlyList<TensorSpec> modelTensors,
        int maxBatchSize,
        List<string> problems)
    {
        var tensor = modelTensors.FirstOrDefault(t => t.Name == name);
        if (tensor is null)
        {
            problems.Add($"config {kind} '{name}' is not an {kind} of the model (model {kind}s: {string.Join(", ", modelTensors.Select(t => t.Name))})");
            return;
        }

        string configType = TensorDataType.FromNameIgnoreCase(tensor.DataType) is not null && dataType != DataType.TypeInvalid
            ? TensorDataType.NameOf(dataType)
            : dataType.ToString();
        if (!string.Equals(configType, tensor.DataType, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{kind} '{name}': config says {configType}, the model has {tensor.DataType}");
        }

        IReadOnlyList<long> modelShape = tensor.Shape;
        if (maxBatchSize > 0)
        {
            if (modelShape.Count == 0 || modelShape[0] is not (-1 or 0) && modelShape[0] < maxBatchSize)
            {
                problems.Add($"{kind} '{name}': max_batch_size is {maxBatchSize} but the model's shape [{Join(modelShape)}] has no batch dimension that large");
                return;
            }

            modelShape = modelShape.Skip(1).ToList();
        }

        var expected = reshape is not null ? (IReadOnlyList<long>)reshape.Shape : dims;
        bool rankMatches = expected.Count == modelShape.Count;
        bool dimsMatch = rankMatches && expected.Zip(modelShape).All(p => p.First == -1 || p.Second == -1 || p.First == p.Second);
        if (!dimsMatch)
        {
            string what = reshape is not null ? "reshape" : "dims";
            string batchNote = maxBatchSize > 0 ? " (without the batch dimension)" : "";
            problems.Add($"{kind} '{name}': config {what} [{Join(expected)}] do not match the model's [{Join(modelShape)}]{batchNote}");
        }
    }

    private static string Join(IEnumerable<long> dims) => string.Join(", ", dims);
}

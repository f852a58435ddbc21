namespace InferencePipeline.Onnx;

/// <summary>A config.pbtxt that does not fit its model; <see cref="Problems"/> lists every mismatch found.</summary>
public sealed class ModelConfigMismatchException(string modelName, IReadOnlyList<string> problems)
    : Exception($"config of model '{modelName}' does not match the model: {string.Join("; ", problems)}")
{
    public string ModelName { get; } = modelName;

    public IReadOnlyList<string> Problems { get; } = problems;
}

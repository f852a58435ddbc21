namespace InferencePipeline.Contracts;

/// <summary>
/// ONNX Runtime session settings the tuner searches and the serving config carries
/// (Triton's ORT backend parameters). <c>GraphOptimizationLevel</c>: 0 disable, 1 basic, 2 extended, 99 all.
/// <c>Precision</c>: "fp32", "fp16" or "int8" (on CPU and CUDA the model file itself is transformed; on TensorRT it is
/// TensorRT's own precision mode). <c>ExecutionMode</c>: "sequential" (ORT's default) or "parallel", which lets
/// independent branches of the graph run at once on the <c>InterOpThreads</c> pool.
/// </summary>
public sealed record OrtSettings(
    string ExecutionProvider = "CPU",
    string Precision = "fp32",
    int GraphOptimizationLevel = 99,
    int IntraOpThreads = 0,
    int InterOpThreads = 0,
    string ExecutionMode = OrtSettings.Sequential)
{
    public const string Sequential = "sequential";
    public const string Parallel = "parallel";

    public static OrtSettings Default { get; } = new();

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsParallel => string.Equals(ExecutionMode, Parallel, StringComparison.OrdinalIgnoreCase);

    public override string ToString() =>
        $"{ExecutionProvider}/{Precision}/opt{GraphOptimizationLevel}/intra{IntraOpThreads}/inter{InterOpThreads}{(IsParallel ? "/parallel" : "")}";
}

namespace InferencePipeline.Contracts;

/// <summary>
/// ONNX Runtime session settings the tuner searches and the serving config carries
/// (Triton's ORT backend parameters). <c>GraphOptimizationLevel</c>: 0 disable, 1 basic, 2 extended, 99 all.
/// </summary>
public sealed record OrtSettings(
    string ExecutionProvider = "CPU",
    string Precision = "fp32",
    int GraphOptimizationLevel = 99,
    int IntraOpThreads = 0,
    int InterOpThreads = 0)
{
    public static OrtSettings Default { get; } = new();

    public override string ToString() =>
        $"{ExecutionProvider}/{Precision}/opt{GraphOptimizationLevel}/intra{IntraOpThreads}/inter{InterOpThreads}";
}

using InferencePipeline.Contracts;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// One model of the brute-vs-quick comparison: the ONNX file, its interface, the max_batch_size of its default
/// config (0 for a model with a fixed batch), the Model Analyzer YAML that describes its search, and its latency budget.
/// </summary>
public sealed record SearchCase(
    string Name,
    string ModelPath,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    int MaxBatchSize,
    string SearchYaml,
    double LatencyBudgetMs);

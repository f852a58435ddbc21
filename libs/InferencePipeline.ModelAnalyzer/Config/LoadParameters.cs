namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// Model Analyzer's <c>parameters</c> (per model) or the global <c>concurrency</c>/<c>batch_sizes</c>/<c>request_rate</c>:
/// null lists mean "not given". Concurrency and request rate exclude each other.
/// </summary>
public sealed record LoadParameters(IReadOnlyList<int>? Concurrency, IReadOnlyList<int>? BatchSizes, IReadOnlyList<double>? RequestRate)
{
    public static LoadParameters None { get; } = new(null, null, null);

    public bool IsEmpty => Concurrency is null && BatchSizes is null && RequestRate is null;

    /// <summary>These values where given, else <paramref name="fallback"/>'s (a model's parameters over the global ones).</summary>
    public LoadParameters Over(LoadParameters fallback) =>
        new(Concurrency ?? (RequestRate is null ? fallback.Concurrency : null),
            BatchSizes ?? fallback.BatchSizes,
            RequestRate ?? (Concurrency is null ? fallback.RequestRate : null));
}

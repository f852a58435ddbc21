using System.Collections.Concurrent;
using System.Diagnostics;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// Records the spans this process finishes from MassTransit's and our own sources — what the Aspire
/// dashboard would receive over OTLP — so a test can check a pipeline is one trace across every hop.
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<(ActivityTraceId TraceId, string Source)> _spans = new();

    public TraceRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MassTransit" || source.Name.StartsWith("InferencePipeline.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _spans.Enqueue((activity.TraceId, activity.Source.Name)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The sources seen in each trace.</summary>
    public IReadOnlyDictionary<ActivityTraceId, HashSet<string>> SourcesByTrace() =>
        _spans.GroupBy(s => s.TraceId).ToDictionary(g => g.Key, g => g.Select(s => s.Source).ToHashSet());

    public void Dispose() => _listener.Dispose();
}

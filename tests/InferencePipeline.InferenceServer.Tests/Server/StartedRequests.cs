using System.Collections.Concurrent;
using System.Diagnostics;
using InferencePipeline.InferenceServer.Telemetry;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// The inference requests the in-process server has taken, per model, read from its ModelInfer spans. A span
/// starts once the request holds its model and is about to be queued, so a test can wait until the server has
/// every request it sent before acting on them (cancel their stream, unload their model) instead of sleeping
/// and hoping they have arrived.
/// </summary>
public sealed class StartedRequests : IDisposable
{
    private const string ModelTag = "inference.model";

    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ActivityListener _listener;

    public StartedRequests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == InferenceServerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = _started.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int For(string model) => _started.Count(a => a.GetTagItem(ModelTag) as string == model);

    public Task WaitForAsync(string model, int count, TimeSpan timeout) =>
        Eventually.TrueAsync(() => For(model) >= count, timeout, $"the server took {For(model)} of the {count} requests sent to '{model}'");

    public void Dispose() => _listener.Dispose();
}

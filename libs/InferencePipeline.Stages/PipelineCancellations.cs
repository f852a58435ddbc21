namespace InferencePipeline.Stages;

/// <summary>
/// The pipelines this process has heard were cancelled (<see cref="Contracts.PipelineCancelled"/>), and a token per
/// running stage command that fires when its pipeline is. A stage's steps already honour their token between and
/// within trials and measurements, so cancelling it is what stops them. The most recent
/// <see cref="Remembered"/> ids are kept, so a command still queued when its pipeline was cancelled is skipped.
/// </summary>
public sealed class PipelineCancellations
{
    public const int Remembered = 4096;

    private readonly Lock _lock = new();
    private readonly HashSet<Guid> _cancelled = [];
    private readonly Queue<Guid> _order = new();
    private readonly Dictionary<Guid, List<CancellationTokenSource>> _running = [];

    public bool IsCancelled(Guid pipelineId)
    {
        lock (_lock)
        {
            return _cancelled.Contains(pipelineId);
        }
    }

    public void Cancel(Guid pipelineId)
    {
        List<CancellationTokenSource>? running;
        lock (_lock)
        {
            if (_cancelled.Add(pipelineId))
            {
                _order.Enqueue(pipelineId);
                if (_order.Count > Remembered)
                    _cancelled.Remove(_order.Dequeue());
            }

            running = _running.TryGetValue(pipelineId, out var sources) ? [.. sources] : null;
        }

        foreach (var source in running ?? [])
            source.Cancel();
    }

    /// <summary>A source whose token fires when <paramref name="pipelineId"/> is cancelled (at once if it already was); dispose it when the command ends.</summary>
    public Watch WatchFor(Guid pipelineId)
    {
        var source = new CancellationTokenSource();
        bool already;
        lock (_lock)
        {
            already = _cancelled.Contains(pipelineId);
            if (!_running.TryGetValue(pipelineId, out var sources))
                _running[pipelineId] = sources = [];
            sources.Add(source);
        }

        if (already)
            source.Cancel();
        return new Watch(this, pipelineId, source);
    }

    private void Forget(Guid pipelineId, CancellationTokenSource source)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(pipelineId, out var sources) && sources.Remove(source) && sources.Count == 0)
                _running.Remove(pipelineId);
        }

        source.Dispose();
    }

    /// <summary>One stage command's view of its pipeline's cancellation.</summary>
    public sealed class Watch(PipelineCancellations owner, Guid pipelineId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token { get; } = source.Token;

        public void Dispose() => owner.Forget(pipelineId, source);
    }
}

using System.Diagnostics;
using Inference;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// Triton-style counters for one loaded model, updated with Interlocked from the request path and read as
/// a ModelStatistics message. Per request: success/fail/queue/compute_*; per execution: batch stats.
/// </summary>
internal sealed class ModelStatisticsRecorder(int maxBatchSize)
{
    private readonly DurationCounter _success = new();
    private readonly DurationCounter _fail = new();
    private readonly DurationCounter _queue = new();
    private readonly DurationCounter _computeInput = new();
    private readonly DurationCounter _computeInfer = new();
    private readonly DurationCounter _computeOutput = new();
    private readonly BatchCounter[] _batches = Enumerable.Range(0, Math.Max(1, maxBatchSize) + 1).Select(_ => new BatchCounter()).ToArray();
    private long _inferenceCount;
    private long _executionCount;
    private long _lastInferenceMs;

    public void RecordRequest(bool success, long startTimestamp, long endTimestamp)
    {
        (success ? _success : _fail).Add(endTimestamp - startTimestamp);
        if (success)
        {
            Volatile.Write(ref _lastInferenceMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Records one model execution (a batch of <paramref name="jobs"/> requests totalling <paramref name="batchSize"/> rows).</summary>
    public void RecordExecution(int jobs, int batchSize, long inputTicks, long inferTicks, long outputTicks)
    {
        Interlocked.Add(ref _inferenceCount, batchSize);
        Interlocked.Increment(ref _executionCount);
        // Each request in the batch waited for the whole batch's compute, as Triton counts it.
        _computeInput.Add(inputTicks, jobs);
        _computeInfer.Add(inferTicks, jobs);
        _computeOutput.Add(outputTicks, jobs);
        var batch = _batches[Math.Min(batchSize, _batches.Length - 1)];
        batch.Input.Add(inputTicks);
        batch.Infer.Add(inferTicks);
        batch.Output.Add(outputTicks);
    }

    public void RecordQueue(long ticks) => _queue.Add(ticks);

    public ModelStatistics Snapshot(string name, string version)
    {
        var stats = new ModelStatistics
        {
            Name = name,
            Version = version,
            LastInference = (ulong)Volatile.Read(ref _lastInferenceMs),
            InferenceCount = (ulong)Interlocked.Read(ref _inferenceCount),
            ExecutionCount = (ulong)Interlocked.Read(ref _executionCount),
            InferenceStats = new InferStatistics
            {
                Success = _success.ToProto(),
                Fail = _fail.ToProto(),
                Queue = _queue.ToProto(),
                ComputeInput = _computeInput.ToProto(),
                ComputeInfer = _computeInfer.ToProto(),
                ComputeOutput = _computeOutput.ToProto(),
                CacheHit = new StatisticDuration(),
                CacheMiss = new StatisticDuration(),
            },
        };
        for (var size = 1; size < _batches.Length; size++)
        {
            var batch = _batches[size];
            if (batch.Infer.Count > 0)
            {
                stats.BatchStats.Add(new InferBatchStatistics
                {
                    BatchSize = (ulong)size,
                    ComputeInput = batch.Input.ToProto(),
                    ComputeInfer = batch.Infer.ToProto(),
                    ComputeOutput = batch.Output.ToProto(),
                });
            }
        }
        return stats;
    }

    private sealed class DurationCounter
    {
        private long _count;
        private long _ticks;

        public long Count => Interlocked.Read(ref _count);

        public void Add(long ticks, long count = 1)
        {
            Interlocked.Add(ref _count, count);
            Interlocked.Add(ref _ticks, ticks * count);
        }

        public StatisticDuration ToProto() => new()
        {
            Count = (ulong)Interlocked.Read(ref _count),
            Ns = (ulong)(Interlocked.Read(ref _ticks) * (1_000_000_000.0 / Stopwatch.Frequency)),
        };
    }

    private sealed class BatchCounter
    {
        public DurationCounter Input { get; } = new();
        public DurationCounter Infer { get; } = new();
        public DurationCounter Output { get; } = new();
    }
}

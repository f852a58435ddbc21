using System.Diagnostics;
using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Collects request latencies in <see cref="Stopwatch"/> ticks into one preallocated array, so that
/// recording costs a store and an increment: no allocation per request (the array only grows, by
/// doubling, until it fits a window). Not thread-safe: each load-generator worker owns one.
/// </summary>
/// <remarks>
/// Count, sum and so the average are always exact. Percentiles are exact too unless a sample cap was
/// given: a trivial target can finish tens of millions of requests a second, and storing all of them would
/// cost gigabytes, so past the cap the recorder keeps a uniform random sample (reservoir sampling) and
/// percentiles come from that sample.
/// <para></para>
/// Percentiles follow perf_analyzer exactly: sort ascending, then take element
/// <c>round_half_up(p/100 × (n − 1))</c>. For 1..1000 that gives p50 = 501, p90 = 900, p95 = 950,
/// p99 = 990, so our numbers and perf_analyzer's agree on the same samples.
/// </remarks>
public sealed class LatencyRecorder
{
    private readonly int _maxSamples;
    private long[] _ticks;
    private int _count;
    private long _total;
    private long _sumTicks;
    private ulong _random = 0x9E3779B97F4A7C15UL;
    private bool _sorted = true;

    /// <param name="initialCapacity">Samples stored before the first growth.</param>
    /// <param name="maxSamples">Samples kept at most (reservoir beyond); unbounded by default.</param>
    public LatencyRecorder(int initialCapacity = 4096, int maxSamples = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSamples);
        _maxSamples = maxSamples;
        _ticks = new long[Math.Min(initialCapacity, maxSamples)];
    }

    /// <summary>Requests recorded (every one, also those beyond the sample cap).</summary>
    public long Count => _total;

    /// <summary>Latencies stored for percentiles (equals <see cref="Count"/> unless the cap was reached).</summary>
    public int SampleCount => _count;

    public int Capacity => _ticks.Length;

    /// <summary>The stored latencies (sorted after any percentile was computed).</summary>
    public ReadOnlySpan<long> Ticks => _ticks.AsSpan(0, _count);

    public void Record(long latencyTicks)
    {
        _total++;
        _sumTicks += latencyTicks;
        if (_count < _maxSamples)
        {
            if (_count == _ticks.Length)
            {
                Grow(_count + 1);
            }

            _ticks[_count++] = latencyTicks;
            _sorted = false;
            return;
        }

        // Reservoir sampling (Algorithm R): the n-th sample replaces a random slot with probability cap/n,
        // which keeps every request equally likely to be among the stored ones.
        var slot = (long)(NextRandom() % (ulong)_total);
        if (slot < _count)
        {
            _ticks[slot] = latencyTicks;
            _sorted = false;
        }
    }

    /// <summary>Appends every latency of <paramref name="other"/> (used to merge worker and window recorders).</summary>
    public void AddFrom(LatencyRecorder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _total += other._total;
        _sumTicks += other._sumTicks;
        if (other._count == 0)
        {
            return;
        }

        if (_count + other._count > _maxSamples)
        {
            throw new InvalidOperationException("Merging into a capped recorder is not supported: merge into an uncapped one.");
        }

        if (_count + other._count > _ticks.Length)
        {
            Grow(_count + other._count);
        }

        other.Ticks.CopyTo(_ticks.AsSpan(_count));
        _count += other._count;
        _sorted = false;
    }

    /// <summary>Forgets the samples but keeps the storage, so the next window records without allocating.</summary>
    public void Clear()
    {
        _count = 0;
        _total = 0;
        _sumTicks = 0;
        _sorted = true;
    }

    public double AverageMs()
    {
        return _total == 0 ? 0 : TicksToMs(_sumTicks / (double)_total);
    }

    /// <summary>perf_analyzer's percentile (see remarks) in milliseconds; 0 when nothing was recorded.</summary>
    public double PercentileMs(double percentile)
    {
        if (percentile is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile lies in [0, 100].");
        }

        if (_count == 0)
        {
            return 0;
        }

        EnsureSorted();
        var index = (int)(percentile / 100.0 * (_count - 1) + 0.5);
        return TicksToMs(_ticks[index]);
    }

    /// <summary>
    /// Everything the contracts report for a window of <paramref name="windowSeconds"/>: throughput counts
    /// inferences (requests × <paramref name="batchSize"/>) per second, as perf_analyzer does.
    /// </summary>
    public LatencyStats ComputeStats(double windowSeconds, int batchSize = 1, bool stable = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return new LatencyStats(
            ThroughputPerSec: _total * (double)batchSize / windowSeconds,
            AvgMs: AverageMs(),
            P50Ms: PercentileMs(50),
            P90Ms: PercentileMs(90),
            P95Ms: PercentileMs(95),
            P99Ms: PercentileMs(99),
            RequestCount: _total,
            Stable: stable);
    }

    public static double TicksToMs(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static long MsToTicks(double ms) => (long)Math.Round(ms * Stopwatch.Frequency / 1000.0);

    private void EnsureSorted()
    {
        if (!_sorted)
        {
            Array.Sort(_ticks, 0, _count);
            _sorted = true;
        }
    }

    private ulong NextRandom()
    {
        // xorshift64: statistically good enough for sampling and free of allocation and locking.
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return _random;
    }

    private void Grow(int needed)
    {
        var size = (int)Math.Min(_maxSamples, Math.Max(needed, _ticks.Length * 2L));
        Array.Resize(ref _ticks, size);
    }
}

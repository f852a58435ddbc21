using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

public sealed class LatencyRecorderTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Uniform_1_to_1000_gives_perf_analyzer_percentiles()
    {
        var recorder = new LatencyRecorder(16);
        // Recorded out of order, so sorting is part of what is tested.
        foreach (var ms in Enumerable.Range(1, 1000).Reverse())
        {
            recorder.Record(LatencyRecorder.MsToTicks(ms));
        }

        var stats = recorder.ComputeStats(windowSeconds: 2, batchSize: 4);

        Assert.Equal(1000, stats.RequestCount);
        Assert.Equal(500.5, stats.AvgMs, Tolerance);
        // perf_analyzer's index round(p/100 * (n-1)) on 1..1000.
        Assert.Equal(501, stats.P50Ms, Tolerance);
        Assert.Equal(900, stats.P90Ms, Tolerance);
        Assert.Equal(950, stats.P95Ms, Tolerance);
        Assert.Equal(990, stats.P99Ms, Tolerance);
        Assert.Equal(1000 * 4 / 2.0, stats.ThroughputPerSec, Tolerance);
    }

    [Fact]
    public void Constant_latency_gives_equal_percentiles_and_average()
    {
        var recorder = new LatencyRecorder();
        for (var i = 0; i < 777; i++)
        {
            recorder.Record(LatencyRecorder.MsToTicks(2.5));
        }

        var stats = recorder.ComputeStats(1);

        Assert.All(new[] { stats.AvgMs, stats.P50Ms, stats.P90Ms, stats.P95Ms, stats.P99Ms }, v => Assert.Equal(2.5, v, Tolerance));
        Assert.Equal(777, stats.ThroughputPerSec, Tolerance);
    }

    [Fact]
    public void Bimodal_tail_shows_only_from_p95()
    {
        // 94% fast (1 ms), 6% slow (100 ms): p50 and p90 see the fast mode, p95 and p99 the slow one.
        var recorder = new LatencyRecorder();
        for (var i = 0; i < 940; i++)
        {
            recorder.Record(LatencyRecorder.MsToTicks(1));
        }

        for (var i = 0; i < 60; i++)
        {
            recorder.Record(LatencyRecorder.MsToTicks(100));
        }

        var stats = recorder.ComputeStats(1);

        Assert.Equal(1, stats.P50Ms, Tolerance);
        Assert.Equal(1, stats.P90Ms, Tolerance);
        Assert.Equal(100, stats.P95Ms, Tolerance);
        Assert.Equal(100, stats.P99Ms, Tolerance);
        Assert.Equal((940 * 1 + 60 * 100) / 1000.0, stats.AvgMs, Tolerance);
    }

    [Fact]
    public void Merge_and_clear_keep_counts_exact()
    {
        var a = new LatencyRecorder(4);
        var b = new LatencyRecorder(4);
        for (var i = 1; i <= 10; i++)
        {
            a.Record(LatencyRecorder.MsToTicks(i));
            b.Record(LatencyRecorder.MsToTicks(i + 10));
        }

        a.AddFrom(b);
        Assert.Equal(20, a.Count);
        Assert.Equal(10.5, a.AverageMs(), Tolerance);
        Assert.Equal(20, a.PercentileMs(100), Tolerance);
        Assert.Equal(1, a.PercentileMs(0), Tolerance);

        a.Clear();
        Assert.Equal(0, a.Count);
        Assert.Equal(0, a.AverageMs());
        Assert.True(a.Capacity >= 20, "storage is kept for the next window");
    }

    [Fact]
    public void Sample_cap_keeps_exact_count_and_average_and_representative_percentiles()
    {
        var recorder = new LatencyRecorder(64, maxSamples: 2000);
        for (var round = 0; round < 100; round++)
        {
            for (var ms = 1; ms <= 1000; ms++)
            {
                recorder.Record(LatencyRecorder.MsToTicks(ms));
            }
        }

        Assert.Equal(100_000, recorder.Count);
        Assert.Equal(2000, recorder.SampleCount);
        Assert.Equal(500.5, recorder.AverageMs(), 1e-3);
        // A uniform sample of 2000 from uniform 1..1000: p50 within a few percent of 500.
        Assert.InRange(recorder.PercentileMs(50), 440, 560);
        Assert.InRange(recorder.PercentileMs(99), 970, 1000);
    }

    [Fact]
    public void Recording_does_not_allocate_once_storage_fits()
    {
        var recorder = new LatencyRecorder(100_000);
        recorder.Record(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 90_000; i++)
        {
            recorder.Record(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Empty_recorder_reports_zeros_and_rejects_bad_percentiles()
    {
        var recorder = new LatencyRecorder();
        Assert.Equal(0, recorder.PercentileMs(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.PercentileMs(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.ComputeStats(0));
    }
}

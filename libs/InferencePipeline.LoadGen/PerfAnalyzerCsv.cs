using System.Globalization;
using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Writes sweep results in the CSV layout perf_analyzer produces with -f, --verbose-csv and server stats
/// (the layout Model Analyzer reads): rows sorted by increasing inferences/second, times in whole
/// microseconds (truncated, as perf_analyzer divides nanoseconds by 1000).
/// </summary>
/// <remarks>
/// We measure client-side latency only, so the columns that split it are filled as perf_analyzer's own
/// formulas give with no server breakdown: send, receive, queue and compute are 0, and the whole average
/// latency lands in "Network+Server Send/Recv" and "response wait".
/// </remarks>
public static class PerfAnalyzerCsv
{
    public const string Header =
        "Concurrency,Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue," +
        "Server Compute Input,Server Compute Infer,Server Compute Output,Client Recv," +
        "p50 latency,p90 latency,p95 latency,p99 latency,Avg latency,request/response,response wait";

    public static void Write(TextWriter writer, IEnumerable<(int Concurrency, LatencyStats Stats)> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var (concurrency, stats) in results.OrderBy(r => r.Stats.ThroughputPerSec))
        {
            var avgUs = Us(stats.AvgMs);
            writer.Write(string.Join(',',
                concurrency.ToString(CultureInfo.InvariantCulture),
                stats.ThroughputPerSec.ToString("0.###", CultureInfo.InvariantCulture),
                "0",
                avgUs,
                "0",
                "0",
                "0",
                "0",
                "0",
                Us(stats.P50Ms),
                Us(stats.P90Ms),
                Us(stats.P95Ms),
                Us(stats.P99Ms),
                avgUs,
                "0",
                avgUs));
            writer.Write('\n');
        }
    }

    // The epsilon keeps 1.005 ms from printing as 1004 us after binary rounding.
    private static string Us(double ms) => ((long)Math.Floor(ms * 1000.0 + 1e-6)).ToString(CultureInfo.InvariantCulture);
}

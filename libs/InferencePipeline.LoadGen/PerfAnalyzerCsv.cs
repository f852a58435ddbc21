using System.Globalization;
using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Writes sweep results in the CSV layout perf_analyzer produces with -f, --verbose-csv and server stats
/// (the layout Model Analyzer reads): rows sorted by increasing inferences/second, times in whole
/// microseconds (truncated, as perf_analyzer divides nanoseconds by 1000).
/// </summary>
/// <remarks>
/// Client send and receive are not split out of the client latency (0). With server statistics the
/// "Server Queue" and "Server Compute Input/Infer/Output" columns carry the server's per-request averages and
/// "Network+Server Send/Recv" is what remains of the average latency, as perf_analyzer computes it; without
/// them the server columns are 0 and the whole average latency lands in "Network+Server Send/Recv".
/// "response wait" is the whole average latency either way.
/// </remarks>
public static class PerfAnalyzerCsv
{
    public const string Header =
        "Concurrency,Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue," +
        "Server Compute Input,Server Compute Infer,Server Compute Output,Client Recv," +
        "p50 latency,p90 latency,p95 latency,p99 latency,Avg latency,request/response,response wait";

    public static void Write(TextWriter writer, IEnumerable<(int Concurrency, LatencyStats Stats)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Write(writer, results.Select(r => (r.Concurrency, r.Stats, (ServerSideStats?)null)));
    }

    /// <summary>As the other overload, filling the server columns for rows whose <c>Server</c> is known.</summary>
    public static void Write(TextWriter writer, IEnumerable<(int Concurrency, LatencyStats Stats, ServerSideStats? Server)> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var (concurrency, stats, server) in results.OrderBy(r => r.Stats.ThroughputPerSec))
        {
            var avgUs = Us(stats.AvgMs);
            var queueUs = Us(server?.QueueMs ?? 0);
            var inputUs = Us(server?.ComputeInputMs ?? 0);
            var inferUs = Us(server?.ComputeInferMs ?? 0);
            var outputUs = Us(server?.ComputeOutputMs ?? 0);
            var networkUs = Math.Max(0, avgUs - queueUs - inputUs - inferUs - outputUs);
            writer.Write(string.Join(',',
                concurrency.ToString(CultureInfo.InvariantCulture),
                stats.ThroughputPerSec.ToString("0.###", CultureInfo.InvariantCulture),
                "0",
                Text(networkUs),
                Text(queueUs),
                Text(inputUs),
                Text(inferUs),
                Text(outputUs),
                "0",
                Text(Us(stats.P50Ms)),
                Text(Us(stats.P90Ms)),
                Text(Us(stats.P95Ms)),
                Text(Us(stats.P99Ms)),
                Text(avgUs),
                "0",
                Text(avgUs)));
            writer.Write('\n');
        }
    }

    // The epsilon keeps 1.005 ms from printing as 1004 us after binary rounding.
    private static long Us(double ms) => (long)Math.Floor(ms * 1000.0 + 1e-6);

    private static string Text(long us) => us.ToString(CultureInfo.InvariantCulture);
}

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
    public const string Header = "Concurrency," + Columns;

    /// <summary>The header of a request-rate run: perf_analyzer names the first column after the load mode.</summary>
    public const string RequestRateHeader = "Request Rate," + Columns;

    private const string Columns =
        "Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue," +
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
        ArgumentNullException.ThrowIfNull(results);
        WriteRows(writer, Header, results.Select(r => (r.Concurrency.ToString(CultureInfo.InvariantCulture), r.Stats, r.Server)));
    }

    /// <summary>
    /// Writes measurements of one mode: concurrency rows under <see cref="Header"/>, or, when every result carries a
    /// <see cref="MeasurementResult.RequestRate"/>, request-rate rows under <see cref="RequestRateHeader"/>.
    /// </summary>
    public static void Write(TextWriter writer, IReadOnlyList<MeasurementResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        bool rateMode = results.Count > 0 && results.All(r => r.RequestRate is not null);
        if (!rateMode && results.Any(r => r.RequestRate is not null))
        {
            throw new ArgumentException("One CSV holds one load mode: concurrency and request-rate results are mixed.", nameof(results));
        }

        WriteRows(writer, rateMode ? RequestRateHeader : Header, results.Select(r => (
            rateMode ? r.RequestRate!.Value.ToString("0.###", CultureInfo.InvariantCulture) : r.Concurrency.ToString(CultureInfo.InvariantCulture),
            r.Stats,
            r.ServerStats)));
    }

    private static void WriteRows(TextWriter writer, string header, IEnumerable<(string Load, LatencyStats Stats, ServerSideStats? Server)> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(header);
        writer.Write('\n');
        foreach (var (load, stats, server) in results.OrderBy(r => r.Stats.ThroughputPerSec))
        {
            var avgUs = Us(stats.AvgMs);
            var queueUs = Us(server?.QueueMs ?? 0);
            var inputUs = Us(server?.ComputeInputMs ?? 0);
            var inferUs = Us(server?.ComputeInferMs ?? 0);
            var outputUs = Us(server?.ComputeOutputMs ?? 0);
            var networkUs = Math.Max(0, avgUs - queueUs - inputUs - inferUs - outputUs);
            writer.Write(string.Join(',',
                load,
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

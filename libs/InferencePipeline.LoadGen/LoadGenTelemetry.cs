using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace InferencePipeline.LoadGen;

/// <summary>
/// OpenTelemetry hooks: an ActivitySource span per measured level and counters updated once per window
/// (never per request, so an unobserved meter costs nothing on the hot path).
/// </summary>
public static class LoadGenTelemetry
{
    public const string Name = "InferencePipeline.LoadGen";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("loadgen.requests", "{request}", "Requests completed inside measurement windows.");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("loadgen.errors", "{request}", "Requests that failed inside measurement windows.");

    internal static void RecordWindow(int concurrency, long requests, long errors)
    {
        var tag = new KeyValuePair<string, object?>("loadgen.concurrency", concurrency);
        Requests.Add(requests, tag);
        if (errors > 0)
        {
            Errors.Add(errors, tag);
        }
    }
}

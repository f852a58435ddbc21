using System.Globalization;
using System.Text.RegularExpressions;

namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// A measurement as the profiler's consumer logs it once it has taken and checkpointed it — "&lt;config&gt; at concurrency N: ..." —
/// with the log line's UTC timestamp, and which profiler process took it. Points replayed from checkpoints are not logged,
/// so the lines count what was measured, and their times say when.
/// </summary>
public sealed partial record LoggedMeasurement(string Process, DateTime At, string Config, int Concurrency)
{
    public string Point => $"{Config}@{Concurrency}";

    /// <summary>The measurements of configs of <paramref name="modelName"/> in the given processes' logs.</summary>
    public static IReadOnlyList<LoggedMeasurement> Of(string modelName, IEnumerable<(string Process, IReadOnlyList<string> Lines)> logs) =>
    [
        .. from log in logs
           from line in log.Lines
           let match = Line().Match(line)
           where match.Success && match.Groups["config"].Value.StartsWith(modelName + "_config_", StringComparison.Ordinal)
           select new LoggedMeasurement(
               log.Process,
               DateTime.ParseExact(match.Groups["time"].Value, "yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
               match.Groups["config"].Value,
               int.Parse(match.Groups["concurrency"].Value, CultureInfo.InvariantCulture)),
    ];

    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) info: InferencePipeline\.TritonProfiler\.ProfileModelConsumer\[0\] (?<config>\S+) at concurrency (?<concurrency>\d+): ")]
    private static partial Regex Line();
}

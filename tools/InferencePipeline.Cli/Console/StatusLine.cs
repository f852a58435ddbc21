using System.Globalization;
using InferencePipeline.Orchestrator;

namespace InferencePipeline.Cli.Console;

/// <summary>One pipeline's status as <c>inferpipe watch</c> prints it: id, state, stage, percent, measurements, best so far.</summary>
public static class StatusLine
{
    public static string Of(PipelineStatus s)
    {
        var parts = new List<string>
        {
            $"{s.PipelineId:N}",
            s.ModelName,
            s.State,
            s.Finished ? "" : s.Stage.ToString(),
            string.Create(CultureInfo.InvariantCulture, $"{s.ProgressPercent:0}%"),
        };
        if (s.MeasurementsTotal > 0)
            parts.Add($"measurements {s.MeasurementsDone}/{s.MeasurementsTotal}");
        if (s.BestThroughputPerSec is { } best)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"best {s.BestConfigName} c={s.BestConcurrency}: {best:0.#} infer/s"));
        else if (s.BestSoFarThroughputPerSec is { } soFar)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"best so far {s.BestSoFarConfigName} c={s.BestSoFarConcurrency}: {soFar:0.#} infer/s"));
        return string.Join("  ", parts.Where(p => p.Length > 0));
    }
}

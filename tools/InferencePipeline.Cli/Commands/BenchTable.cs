using System.Globalization;
using InferencePipeline.LoadGen;
using Spectre.Console;

namespace InferencePipeline.Cli.Commands;

/// <summary>The console table of a bench sweep: one row per load level, named after the load mode.</summary>
public static class BenchTable
{
    public static Table Build(IReadOnlyList<MeasurementResult> results)
    {
        bool rateMode = results.Any(r => r.RequestRate is not null);
        var table = new Table().AddColumns(rateMode ? "Request rate" : "Concurrency", "Infer/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms");
        if (rateMode)
        {
            table.AddColumn("Delayed");
        }

        table.AddColumn("Stable");
        foreach (var result in results)
        {
            var s = result.Stats;
            var cells = new List<string>
            {
                rateMode
                    ? result.RequestRate!.Value.ToString("0.###", CultureInfo.InvariantCulture)
                    : result.Concurrency.ToString(CultureInfo.InvariantCulture),
                s.ThroughputPerSec.ToString("0.#", CultureInfo.InvariantCulture),
                s.P50Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.P90Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.P95Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.P99Ms.ToString("0.###", CultureInfo.InvariantCulture),
            };
            if (rateMode)
            {
                cells.Add(result.DelayedRequestCount.ToString(CultureInfo.InvariantCulture));
            }

            cells.Add(s.Stable ? "yes" : "[yellow]no[/]");
            table.AddRow(cells.ToArray());
        }

        return table;
    }
}

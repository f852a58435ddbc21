using System.Globalization;
using Grpc.Core;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe bench</c>: perf_analyzer against any KServe v2 gRPC endpoint (ours or Triton's), or against an
/// ONNX file run by ONNX Runtime in this process — a concurrency sweep (closed loop) or a request-rate sweep
/// (open loop, constant or Poisson), with random, zero or recorded input data — printed as a table and optionally
/// written as perf_analyzer's CSV so the same tooling reads both.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<MeasurementResult>? results;
        using (var bench = await OpenTargetAsync(settings, cancellationToken))
        {
            if (bench is null)
            {
                return 2;
            }

            results = await MeasureAsync(settings, bench, cancellationToken);
        }

        if (results is null)
        {
            return 1;
        }

        AnsiConsole.Write(BenchTable.Build(results));
        WarnAboutDelayedRequests(results);
        if (settings.Csv is { } csv)
        {
            await WriteCsvAsync(csv, results);
        }

        return 0;
    }

    /// <summary>Connects to the server or loads the file, and prepares the requests; null (after saying why) when that fails.</summary>
    private static async Task<BenchTarget?> OpenTargetAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var model = settings.ModelName;
        ShapeList.TryParse(settings.Shapes, out var shapes, out _);
        try
        {
            return await BenchTarget.OpenAsync(settings, shapes, cancellationToken);
        }
        catch (LoadGenException ex) when (ex.InnerException is RpcException rpc)
        {
            var url = settings.Url!;
            AnsiConsole.MarkupLine(rpc.StatusCode switch
            {
                StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
                    $"[red]Cannot reach a KServe v2 gRPC server at {Markup.Escape(url.ToString())}:[/] {Markup.Escape(rpc.Status.Detail.TrimEnd('.'))}. Is it running, and is this its gRPC port (Triton: 8001)?",
                StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.FailedPrecondition =>
                    $"[red]The server at {Markup.Escape(url.ToString())} does not serve model '{Markup.Escape(model)}':[/] {Markup.Escape(rpc.Status.Detail)}",
                _ => $"[red]{Markup.Escape(ex.Message)}[/]",
            });
        }
        catch (InvalidModelException ex)
        {
            AnsiConsole.MarkupLine($"[red]--model-file cannot be measured:[/] {Markup.Escape(ex.Message)}");
        }
        catch (InputDataException ex)
        {
            AnsiConsole.MarkupLine($"[red]--input-data '{Markup.Escape(settings.InputData)}' does not fit model '{Markup.Escape(model)}':[/] {Markup.Escape(ex.Message)}");
        }
        catch (Exception ex) when (ex is LoadGenException or ArgumentException)
        {
            AnsiConsole.MarkupLine($"[red]Cannot prepare requests for model '{Markup.Escape(model)}':[/] {Markup.Escape(ex.Message)}");
        }

        return null;
    }

    /// <summary>The concurrency or request-rate sweep, with a line per window; null (after saying why) when the measurement fails.</summary>
    private static async Task<IReadOnlyList<MeasurementResult>?> MeasureAsync(BenchSettings settings, BenchTarget bench, CancellationToken cancellationToken)
    {
        var options = new LoadGenOptions
        {
            WindowMs = settings.WindowMs,
            StabilityPercentage = settings.Stability,
            MaxTrials = settings.MaxTrials,
            MaxOutstandingRequests = settings.MaxThreads,
        };
        var target = bench.Target;
        foreach (var note in bench.Notes)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");
        }

        var load = settings.RequestRate is null ? "closed loop" : $"open loop ({settings.Distribution!.Value.ToString().ToLowerInvariant()} arrivals)";
        AnsiConsole.MarkupLine($"Measuring [bold]{Markup.Escape(settings.ModelName)}[/] {Markup.Escape(bench.Where)}, {load}, batch size {target.BatchSize}, windows of {settings.WindowMs} ms.");
        var progress = new Progress<WindowResult>(w => AnsiConsole.MarkupLine(
            $"[grey]  {(settings.RequestRate is null ? $"concurrency {w.Concurrency}" : "rate")}, window {w.Trial + 1}: {w.Stats.ThroughputPerSec:0.#} infer/s, avg {w.Stats.AvgMs:0.###} ms{(w.Stats.Stable ? ", stable" : "")}[/]"));
        try
        {
            return settings.RequestRate is { } rates
                ? await RequestRateSweep.RunDetailedAsync(target, ParseRates(rates), settings.Distribution!.Value, options, settings.LatencyBudgetMs, progress, cancellationToken)
                : await ConcurrencySweep.RunDetailedAsync(target, IntList.Parse(settings.Concurrency ?? "1"), options, settings.LatencyBudgetMs, progress, cancellationToken);
        }
        catch (LoadGenException ex)
        {
            AnsiConsole.MarkupLine($"[red]The measurement failed:[/] {Markup.Escape(ex.Message)}");
            return null;
        }
    }

    private static async Task WriteCsvAsync(string csv, IReadOnlyList<MeasurementResult> results)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(csv));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using (var writer = new StreamWriter(csv))
        {
            PerfAnalyzerCsv.Write(writer, results);
        }

        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(csv)} (perf_analyzer CSV).");
    }

    private static IReadOnlyList<double> ParseRates(string text) =>
        RateList.TryParse(text, out var rates) ? rates : throw new FormatException($"'{text}' is not a list of positive numbers.");

    /// <summary>perf_analyzer warns when an open loop could not keep its schedule: the numbers then understate the rate asked for.</summary>
    private static void WarnAboutDelayedRequests(IReadOnlyList<MeasurementResult> results)
    {
        foreach (var result in results.Where(r => r.RequestRate is not null && r.DelayedRequestCount > 0))
        {
            AnsiConsole.MarkupLine(
                $"[yellow]At {result.RequestRate!.Value.ToString("0.###", CultureInfo.InvariantCulture)} req/s, {result.DelayedRequestCount} request(s) left late:[/] " +
                "the target (or --max-threads) could not keep up; their wait is counted in the latencies.");
        }
    }
}

using System.ComponentModel;
using System.Globalization;
using Grpc.Core;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe bench</c>: perf_analyzer's concurrency sweep against any KServe v2 gRPC endpoint (ours or
/// Triton's), printed as a table and optionally written as perf_analyzer's CSV so the same tooling reads both.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>")]
        [Description("The server's KServe v2 gRPC address, e.g. http://localhost:8001.")]
        public string? Url { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("Model to measure.")]
        public string? Model { get; init; }

        [CommandOption("--model-version <VERSION>")]
        [Description("Model version (default: the server's choice).")]
        public string ModelVersion { get; init; } = "";

        [CommandOption("--concurrency <LIST>")]
        [Description("Concurrency levels, measured in order (default 1).")]
        public string Concurrency { get; init; } = "1";

        [CommandOption("--batch-size <N>")]
        [Description("Samples per request (default 1).")]
        public int BatchSize { get; init; } = 1;

        [CommandOption("--window-ms <MS>")]
        [Description("Measurement window (default 1000).")]
        public int WindowMs { get; init; } = 1000;

        [CommandOption("--stability <PERCENT>")]
        [Description("Windows count as stable within this percentage (default 10).")]
        public double Stability { get; init; } = 10;

        [CommandOption("--max-trials <N>")]
        [Description("Windows measured at most per level (default 10).")]
        public int MaxTrials { get; init; } = 10;

        [CommandOption("--latency-budget-ms <MS>")]
        [Description("Stop the sweep after the first level whose p99 exceeds this.")]
        public double? LatencyBudgetMs { get; init; }

        [CommandOption("--shape <NAME:DIMS>")]
        [Description("Size of an input's dynamic dimensions, without the batch dimension, e.g. input_ids:128 (repeatable).")]
        public string[] Shapes { get; init; } = [];

        [CommandOption("--csv <PATH>")]
        [Description("Write the results as perf_analyzer's CSV.")]
        public string? Csv { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Url) || !Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return ValidationResult.Error("--url must be the server's gRPC address, e.g. http://localhost:8001.");
            }

            if (string.IsNullOrWhiteSpace(Model))
            {
                return ValidationResult.Error("--model is required.");
            }

            if (!IntList.TryParse(Concurrency, out _))
            {
                return ValidationResult.Error($"--concurrency '{Concurrency}' is not a list of positive integers such as 1,2,4.");
            }

            if (BatchSize <= 0 || WindowMs <= 0)
            {
                return ValidationResult.Error("--batch-size and --window-ms must be positive.");
            }

            if (Stability is <= 0 or >= 100)
            {
                return ValidationResult.Error("--stability is a percentage in (0, 100).");
            }

            if (MaxTrials < 3)
            {
                return ValidationResult.Error("--max-trials must be at least 3 (the stability rule compares three windows).");
            }

            if (LatencyBudgetMs is <= 0)
            {
                return ValidationResult.Error("--latency-budget-ms must be positive.");
            }

            return TryParseShapes(Shapes, out _, out var error) ? ValidationResult.Success() : ValidationResult.Error(error!);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.Url!);
        var model = settings.Model!;
        TryParseShapes(settings.Shapes, out var shapes, out _);
        var options = new LoadGenOptions
        {
            WindowMs = settings.WindowMs,
            StabilityPercentage = settings.Stability,
            MaxTrials = settings.MaxTrials,
        };

        GrpcInferenceTarget target;
        try
        {
            target = await GrpcInferenceTarget.CreateAsync(
                url, model, settings.BatchSize, InputDataMode.Random, shapes, settings.ModelVersion, cancellationToken: cancellationToken);
        }
        catch (LoadGenException ex) when (ex.InnerException is RpcException rpc)
        {
            AnsiConsole.MarkupLine(rpc.StatusCode switch
            {
                StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
                    $"[red]Cannot reach a KServe v2 gRPC server at {Markup.Escape(url.ToString())}:[/] {Markup.Escape(rpc.Status.Detail.TrimEnd('.'))}. Is it running, and is this its gRPC port (Triton: 8001)?",
                StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.FailedPrecondition =>
                    $"[red]The server at {Markup.Escape(url.ToString())} does not serve model '{Markup.Escape(model)}':[/] {Markup.Escape(rpc.Status.Detail)}",
                _ => $"[red]{Markup.Escape(ex.Message)}[/]",
            });
            return 2;
        }
        catch (Exception ex) when (ex is LoadGenException or ArgumentException)
        {
            AnsiConsole.MarkupLine($"[red]Cannot prepare requests for model '{Markup.Escape(model)}':[/] {Markup.Escape(ex.Message)}");
            return 2;
        }

        IReadOnlyList<MeasurementResult> results;
        using (target)
        {
            AnsiConsole.MarkupLine($"Measuring [bold]{Markup.Escape(model)}[/] at {Markup.Escape(url.ToString())}, batch size {target.BatchSize}, windows of {settings.WindowMs} ms.");
            var progress = new Progress<WindowResult>(w => AnsiConsole.MarkupLine(
                $"[grey]  concurrency {w.Concurrency}, window {w.Trial + 1}: {w.Stats.ThroughputPerSec:0.#} infer/s, avg {w.Stats.AvgMs:0.###} ms{(w.Stats.Stable ? ", stable" : "")}[/]"));
            try
            {
                results = await ConcurrencySweep.RunDetailedAsync(
                    target, IntList.Parse(settings.Concurrency), options, settings.LatencyBudgetMs, progress, cancellationToken);
            }
            catch (LoadGenException ex)
            {
                AnsiConsole.MarkupLine($"[red]The measurement failed:[/] {Markup.Escape(ex.Message)}");
                return 1;
            }
        }

        AnsiConsole.Write(BuildTable(results));
        if (settings.Csv is { } csv)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(csv));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using (var writer = new StreamWriter(csv))
            {
                PerfAnalyzerCsv.Write(writer, results.Select(r => (r.Concurrency, r.Stats, r.ServerStats)));
            }

            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(csv)} (perf_analyzer CSV).");
        }

        return 0;
    }

    private static Table BuildTable(IReadOnlyList<MeasurementResult> results)
    {
        var table = new Table().AddColumns("Concurrency", "Infer/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "Stable");
        foreach (var (concurrency, s) in results.Select(r => (r.Concurrency, r.Stats)))
        {
            table.AddRow(
                concurrency.ToString(CultureInfo.InvariantCulture),
                s.ThroughputPerSec.ToString("0.#", CultureInfo.InvariantCulture),
                s.P50Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.P90Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.P95Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.P99Ms.ToString("0.###", CultureInfo.InvariantCulture),
                s.Stable ? "yes" : "[yellow]no[/]");
        }

        return table;
    }

    /// <summary>Parses perf_analyzer's <c>--shape name:d1,d2</c> values.</summary>
    private static bool TryParseShapes(string[] specs, out Dictionary<string, long[]>? shapes, out string? error)
    {
        shapes = null;
        error = null;
        foreach (var spec in specs)
        {
            var colon = spec.LastIndexOf(':');
            var dims = colon > 0 ? spec[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries) : [];
            var parsed = new long[dims.Length];
            var ok = dims.Length > 0;
            for (var i = 0; ok && i < dims.Length; i++)
            {
                ok = long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) && parsed[i] > 0;
            }

            if (!ok)
            {
                error = $"--shape '{spec}' is not NAME:D1,D2,... with positive sizes (e.g. input_ids:128).";
                shapes = null;
                return false;
            }

            shapes ??= new Dictionary<string, long[]>(StringComparer.Ordinal);
            shapes[spec[..colon]] = parsed;
        }

        return true;
    }
}

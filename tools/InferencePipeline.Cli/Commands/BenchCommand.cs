using System.ComponentModel;
using System.Globalization;
using Grpc.Core;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
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
public sealed class BenchCommand : AsyncCommand<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>")]
        [Description("The server's KServe v2 gRPC address, e.g. http://localhost:8001.")]
        public string? Url { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("Model to measure (with --model-file: a name for the output, default the file's name).")]
        public string? Model { get; init; }

        [CommandOption("--model-version <VERSION>")]
        [Description("Model version (default: the server's choice).")]
        public string ModelVersion { get; init; } = "";

        [CommandOption("--model-file <PATH>")]
        [Description("Measure this ONNX file in this process with ONNX Runtime, no server (like perf_analyzer's C API mode). Compare with a --url run to see what serving adds.")]
        public string? ModelFile { get; init; }

        [CommandOption("--execution-provider <EP>")]
        [Description("With --model-file: cpu (default), cuda or tensorrt; falls back to CPU, saying why, where unavailable.")]
        public string? ExecutionProvider { get; init; }

        [CommandOption("--graph-optimization-level <LEVEL>")]
        [Description("With --model-file: 0 (off), 1 (basic), 2 (extended) or 99 (all, the default).")]
        public int? GraphOptimizationLevel { get; init; }

        [CommandOption("--intra-op-threads <N>")]
        [Description("With --model-file: ONNX Runtime's threads within an operator (default 0: its own choice).")]
        public int? IntraOpThreads { get; init; }

        [CommandOption("--inter-op-threads <N>")]
        [Description("With --model-file: ONNX Runtime's threads across operators (default 0: its own choice).")]
        public int? InterOpThreads { get; init; }

        [CommandOption("--concurrency <LIST>")]
        [Description("Closed loop: concurrency levels, measured in order (default 1).")]
        public string? Concurrency { get; init; }

        [CommandOption("--request-rate <LIST>")]
        [Description("Open loop instead: requests per second, measured in order, e.g. 50,100,200.")]
        public string? RequestRate { get; init; }

        [CommandOption("--request-distribution <KIND>")]
        [Description("Open loop: constant (evenly spaced, the default) or poisson (random arrivals).")]
        public string RequestDistribution { get; init; } = "constant";

        [CommandOption("--max-threads <N>")]
        [Description("Open loop: requests in flight at most; later ones wait and count as delayed (default 64).")]
        public int MaxThreads { get; init; } = 64;

        [CommandOption("--batch-size <N>")]
        [Description("Samples per request (default 1).")]
        public int BatchSize { get; init; } = 1;

        [CommandOption("--input-data <MODE|FILE>")]
        [Description("random (default), zero, or a JSON file in perf_analyzer's --input-data format.")]
        public string InputData { get; init; } = "random";

        [CommandOption("--string-length <N>")]
        [Description("Length of the random strings sent to BYTES inputs (default 128).")]
        public int StringLength { get; init; } = TensorDataFactory.DefaultStringLength;

        [CommandOption("--string-data <TEXT>")]
        [Description("Send this string in every element of BYTES inputs instead of random strings.")]
        public string? StringData { get; init; }

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

        /// <summary>
        /// The model's name in the output: --model, else the model's directory for a file in a Triton repository
        /// (<c>bert/1/model.onnx</c> is bert), else the file's name without its extension.
        /// </summary>
        public string ModelName
        {
            get
            {
                if (Model is not null || ModelFile is null)
                {
                    return Model ?? "";
                }

                var full = Path.GetFullPath(ModelFile);
                var version = Path.GetDirectoryName(full);
                var model = Path.GetDirectoryName(version);
                return long.TryParse(Path.GetFileName(version), out _) && !string.IsNullOrEmpty(Path.GetFileName(model))
                    ? Path.GetFileName(model)!
                    : Path.GetFileNameWithoutExtension(full);
            }
        }

        /// <summary>The in-process session's settings (--model-file), from the ONNX Runtime options.</summary>
        public OrtSettings OrtSettings => new(
            ExecutionProvider: ExecutionProvider ?? OrtExecutionProviderNames.Cpu,
            GraphOptimizationLevel: GraphOptimizationLevel ?? 99,
            IntraOpThreads: IntraOpThreads ?? 0,
            InterOpThreads: InterOpThreads ?? 0);

        /// <summary>The open-loop distribution named by <see cref="RequestDistribution"/>, when it names one.</summary>
        public RateDistribution? Distribution => RequestDistribution.ToLowerInvariant() switch
        {
            "constant" => RateDistribution.Constant,
            "poisson" => RateDistribution.Poisson,
            _ => null,
        };

        public override ValidationResult Validate()
        {
            if (ValidateTarget() is { } targetError)
            {
                return ValidationResult.Error(targetError);
            }

            if (Concurrency is not null && RequestRate is not null)
            {
                return ValidationResult.Error("Give --concurrency (closed loop) or --request-rate (open loop), not both.");
            }

            if (Concurrency is not null && !IntList.TryParse(Concurrency, out _))
            {
                return ValidationResult.Error($"--concurrency '{Concurrency}' is not a list of positive integers such as 1,2,4.");
            }

            if (RequestRate is not null && !RateList.TryParse(RequestRate, out _))
            {
                return ValidationResult.Error($"--request-rate '{RequestRate}' is not a list of positive numbers such as 50,100,200.");
            }

            if (Distribution is null)
            {
                return ValidationResult.Error($"--request-distribution '{RequestDistribution}' is not constant or poisson.");
            }

            if (BatchSize <= 0 || WindowMs <= 0 || MaxThreads <= 0)
            {
                return ValidationResult.Error("--batch-size, --window-ms and --max-threads must be positive.");
            }

            if (StringLength < 0)
            {
                return ValidationResult.Error("--string-length must not be negative.");
            }

            if (InputData is not ("random" or "zero") && !File.Exists(InputData))
            {
                return ValidationResult.Error($"--input-data '{InputData}' is neither random, zero nor an existing JSON file.");
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

            return ShapeList.TryParse(Shapes, out _, out var error) ? ValidationResult.Success() : ValidationResult.Error(error!);
        }

        /// <summary>A server (--url and --model) or a file (--model-file, with its ONNX Runtime options), never both.</summary>
        private string? ValidateTarget()
        {
            if (ModelFile is not null)
            {
                if (Url is not null)
                {
                    return "Give --url (a server) or --model-file (in-process), not both.";
                }

                if (!File.Exists(ModelFile))
                {
                    return $"--model-file '{ModelFile}' does not exist.";
                }

                if (ExecutionProvider is { } provider && !Accepts(() => OrtExecutionProviderNames.Normalize(provider)))
                {
                    return $"--execution-provider '{ExecutionProvider}' is not cpu, cuda or tensorrt.";
                }

                if (GraphOptimizationLevel is { } level && !Accepts(() => OrtSessionFactory.ToOrtLevel(level)))
                {
                    return $"--graph-optimization-level {level} is not 0, 1, 2 or 99.";
                }

                return IntraOpThreads < 0 || InterOpThreads < 0 ? "--intra-op-threads and --inter-op-threads must not be negative." : null;
            }

            if (ExecutionProvider is not null || GraphOptimizationLevel is not null || IntraOpThreads is not null || InterOpThreads is not null)
            {
                return "--execution-provider, --graph-optimization-level and the thread counts apply to --model-file: a server takes them from the model's config.pbtxt.";
            }

            if (string.IsNullOrWhiteSpace(Url) || !Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return "--url must be the server's gRPC address, e.g. http://localhost:8001 (or give --model-file to measure a file in-process).";
            }

            return string.IsNullOrWhiteSpace(Model) ? "--model is required." : null;
        }

        /// <summary>Whether the session factory's own mapping takes the value, so the CLI keeps no second list of valid ones.</summary>
        private static bool Accepts(Action check)
        {
            try
            {
                check();
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var model = settings.ModelName;
        ShapeList.TryParse(settings.Shapes, out var shapes, out _);
        var options = new LoadGenOptions
        {
            WindowMs = settings.WindowMs,
            StabilityPercentage = settings.Stability,
            MaxTrials = settings.MaxTrials,
            MaxOutstandingRequests = settings.MaxThreads,
        };

        BenchTarget bench;
        try
        {
            bench = await BenchTarget.OpenAsync(settings, shapes, cancellationToken);
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
            return 2;
        }
        catch (InvalidModelException ex)
        {
            AnsiConsole.MarkupLine($"[red]--model-file cannot be measured:[/] {Markup.Escape(ex.Message)}");
            return 2;
        }
        catch (InputDataException ex)
        {
            AnsiConsole.MarkupLine($"[red]--input-data '{Markup.Escape(settings.InputData)}' does not fit model '{Markup.Escape(model)}':[/] {Markup.Escape(ex.Message)}");
            return 2;
        }
        catch (Exception ex) when (ex is LoadGenException or ArgumentException)
        {
            AnsiConsole.MarkupLine($"[red]Cannot prepare requests for model '{Markup.Escape(model)}':[/] {Markup.Escape(ex.Message)}");
            return 2;
        }

        IReadOnlyList<MeasurementResult> results;
        using (bench)
        {
            var target = bench.Target;
            foreach (var note in bench.Notes)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");
            }

            var load = settings.RequestRate is null ? "closed loop" : $"open loop ({settings.Distribution!.Value.ToString().ToLowerInvariant()} arrivals)";
            AnsiConsole.MarkupLine($"Measuring [bold]{Markup.Escape(model)}[/] {Markup.Escape(bench.Where)}, {load}, batch size {target.BatchSize}, windows of {settings.WindowMs} ms.");
            var progress = new Progress<WindowResult>(w => AnsiConsole.MarkupLine(
                $"[grey]  {(settings.RequestRate is null ? $"concurrency {w.Concurrency}" : "rate")}, window {w.Trial + 1}: {w.Stats.ThroughputPerSec:0.#} infer/s, avg {w.Stats.AvgMs:0.###} ms{(w.Stats.Stable ? ", stable" : "")}[/]"));
            try
            {
                results = settings.RequestRate is { } rates
                    ? await RequestRateSweep.RunDetailedAsync(target, ParseRates(rates), settings.Distribution!.Value, options, settings.LatencyBudgetMs, progress, cancellationToken)
                    : await ConcurrencySweep.RunDetailedAsync(target, IntList.Parse(settings.Concurrency ?? "1"), options, settings.LatencyBudgetMs, progress, cancellationToken);
            }
            catch (LoadGenException ex)
            {
                AnsiConsole.MarkupLine($"[red]The measurement failed:[/] {Markup.Escape(ex.Message)}");
                return 1;
            }
        }

        AnsiConsole.Write(BenchTable.Build(results));
        WarnAboutDelayedRequests(results);
        if (settings.Csv is { } csv)
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

        return 0;
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

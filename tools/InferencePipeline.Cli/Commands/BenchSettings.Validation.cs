using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using Spectre.Console;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// Checks every option before anything is measured, so bad input fails with one line that names the option
/// and what it accepts, instead of an exception from the load generator or ONNX Runtime.
/// </summary>
public sealed partial class BenchSettings
{
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

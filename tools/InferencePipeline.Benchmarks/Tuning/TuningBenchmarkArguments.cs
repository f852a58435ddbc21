using System.Globalization;
using InferencePipeline.Cli.Composition;

namespace InferencePipeline.Benchmarks.Tuning;

/// <summary>Command line of <c>InferencePipeline.Benchmarks tuning</c>.</summary>
public sealed record TuningBenchmarkArguments(
    bool Quick, string OutputDirectory, IReadOnlyList<string> Models, double LatencyBudgetMs, bool Pipeline)
{
    public const string Usage =
        "Usage: dotnet run -c Release --project tools/InferencePipeline.Benchmarks -- tuning [--quick] [--models minilm,resnet18]\n" +
        "         [--latency-budget-ms 100] [--no-pipeline] [--output DIR]\n" +
        "  --quick              short windows and a tiny serving search (noisier numbers)\n" +
        "  --models             which real models (default both: the transformer all-MiniLM-L6-v2 and the CNN ResNet18)\n" +
        "  --latency-budget-ms  p99 budget of the whole-pipeline figure (default 500, the MiniLM demo's: room for the fp32 default config\n" +
        "                       of both models at concurrency 1 on a busy two-core machine, so both sides of the ratio exist)\n" +
        "  --no-pipeline        ORT tuning alone, without the whole pipeline\n" +
        "  --output DIR         where results.json and results.csv go (default artifacts/benchmarks/tuning)";

    public static TuningBenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var result = new TuningBenchmarkArguments(false, Path.Combine("artifacts", "benchmarks", "tuning"), TuningModel.All, DemoModel.MiniLmLatencyBudgetMs, true);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            result = args[i] switch
            {
                "--quick" => result with { Quick = true },
                "--no-pipeline" => result with { Pipeline = false },
                "--output" => result with { OutputDirectory = Value() },
                "--models" => result with { Models = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--latency-budget-ms" => result with
                {
                    LatencyBudgetMs = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0
                        ? ms : throw new ArgumentException("--latency-budget-ms takes a positive number of milliseconds."),
                },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }

        var unknown = result.Models.Except(TuningModel.All).ToList();
        return unknown.Count == 0 ? result : throw new ArgumentException($"Unknown model(s) {string.Join(", ", unknown)} (known: {string.Join(", ", TuningModel.All)}).");
    }
}

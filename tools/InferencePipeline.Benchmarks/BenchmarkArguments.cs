using InferencePipeline.LoadGen;

namespace InferencePipeline.Benchmarks;

/// <summary>Command line of the benchmark: <c>--quick</c> for a short smoke run, <c>--output DIR</c> for the result files.</summary>
public sealed record BenchmarkArguments(bool Quick, string OutputDirectory, bool Help = false, bool Search = false, IReadOnlyList<string>? SearchModels = null)
{
    public const string Usage =
        "Usage: dotnet run -c Release --project tools/InferencePipeline.Benchmarks [-- [--quick] [--search [--search-models bert_demo,resnet18]] [--output DIR]]\n" +
        "       ... -- tuning [--quick] [--models minilm,resnet18]   ORT tuning and the whole pipeline on real models (tuning --help)\n" +
        "       ... -- precision [--rounds N] [--batch-sizes 1,8]      fp32 vs int8 vs fp16 on real models\n" +
        "  --quick         short windows and few trials (under 30 s; noisier numbers)\n" +
        "  --search        instead of the server's figures: brute force vs quick search on the demo BERT and ResNet18 (about 15 min)\n" +
        "  --search-models only these of the search comparison's models (bert_demo, resnet18)\n" +
        "  --output DIR    where results.json and results.csv go (default artifacts/benchmarks)";

    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var quick = false;
        var help = false;
        var search = false;
        IReadOnlyList<string>? searchModels = null;
        var output = Path.Combine("artifacts", "benchmarks");
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--search":
                    search = true;
                    break;
                case "--search-models" when i + 1 < args.Count:
                    search = true;
                    searchModels = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (searchModels.Except(SearchComparison.ModelNames, StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
                    {
                        throw new ArgumentException($"Unknown search model(s) {string.Join(", ", unknown)}; use {string.Join(", ", SearchComparison.ModelNames)}.");
                    }

                    break;
                case "--search-models":
                    throw new ArgumentException("--search-models needs a comma-separated list, e.g. bert_demo,resnet18.");
                case "--output" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                case "--output":
                    throw new ArgumentException("--output needs a directory.");
                case "-h" or "--help":
                    help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return new BenchmarkArguments(quick, output, help, search, searchModels);
    }

    /// <summary>
    /// How each figure is measured. The default keeps the whole run near a minute and a half on two cores;
    /// quick halves windows and stops after the three windows the stability rule needs.
    /// </summary>
    public LoadGenOptions MeasureOptions => Quick
        ? new LoadGenOptions { WindowMs = 500, WarmupMs = 300, MaxTrials = 3, StabilityPercentage = 10 }
        : new LoadGenOptions { WindowMs = 1500, WarmupMs = 1000, MaxTrials = 5, StabilityPercentage = 10 };

    /// <summary>Warm-up before the first BERT server round. Measured: after 5 s round 1 still read ~40% below round 2
    /// (227 vs 356 infer/s); after 15 s both rounds agree (414 and 408), so the figure is the warm server's.</summary>
    public int ServerWarmupMs => Quick ? 1500 : 15000;

    /// <summary>
    /// How many times the BERT server / in-process pair is measured, alternating. On this 2-core VM one pair's ratio
    /// moved between 0.85 and 0.96 from run to run with nothing changed; four pairs average most of that out.
    /// </summary>
    public int ThroughputRounds => Quick ? 1 : 4;

    /// <summary>
    /// How each point of the search comparison is measured: windows long enough for ResNet18 (tens of ms per
    /// inference here) to complete dozens of requests, and up to six of them for the stability rule.
    /// </summary>
    public LoadGenOptions SearchOptions => Quick
        ? new LoadGenOptions { WindowMs = 300, MaxTrials = 4, StabilityPercentage = 15 }
        : new LoadGenOptions { WindowMs = 500, MaxTrials = 6, StabilityPercentage = 10 };

    /// <summary>Windows for the allocation runs: already warm, so no warm-up, and three windows suffice.</summary>
    public LoadGenOptions AllocationOptions => MeasureOptions with { WarmupMs = 0, MaxTrials = 3, StabilityPercentage = 99 };
}

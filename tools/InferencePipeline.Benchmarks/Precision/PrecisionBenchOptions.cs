namespace InferencePipeline.Benchmarks.Precision;

/// <summary>Command line of the precision figure.</summary>
public sealed record PrecisionBenchOptions(
    int Rounds = 7,
    int RunsPerRound = 20,
    int SequenceLength = 128,
    IReadOnlyList<int>? BatchSizes = null,
    int CalibrationSentences = 32,
    string? OutputDirectory = null,
    bool IncludeCnn = true)
{
    public IReadOnlyList<int> Batches => BatchSizes ?? [1, 8];

    public const string Usage =
        "usage: InferencePipeline.Benchmarks precision [--rounds N (7)] [--runs N per round (20)] [--sequence-length N (128)]\n" +
        "       [--batch-sizes 1,8] [--calibration N sentences for the int8 search (32)] [--no-cnn] [--output DIR]";

    public static PrecisionBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PrecisionBenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Positive(string name)
            {
                string text = Value();
                return int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer, not '{text}'");
            }

            options = args[i] switch
            {
                "--rounds" => options with { Rounds = Positive("--rounds") },
                "--runs" => options with { RunsPerRound = Positive("--runs") },
                "--sequence-length" => options with { SequenceLength = Positive("--sequence-length") },
                "--calibration" => options with { CalibrationSentences = Math.Min(Positive("--calibration"), 32) },
                "--batch-sizes" => options with { BatchSizes = Value().Split(',').Select(s => int.TryParse(s, out int b) && b is > 0 and <= 32 ? b : throw new ArgumentException($"--batch-sizes takes sizes from 1 to 32, not '{s}'")).ToList() },
                "--output" => options with { OutputDirectory = Value() },
                "--no-cnn" => options with { IncludeCnn = false },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }

        return options;
    }
}

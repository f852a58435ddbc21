namespace InferencePipeline.Benchmarks.Precision;

/// <summary>
/// The precision figure, <c>InferencePipeline.Benchmarks precision [options]</c>: fp32 at ONNX Runtime's defaults
/// against int8 and fp16 on the real pretrained models, speed as ratios of interleaved rounds in one run, with the
/// accuracy gate's numbers; optionally written as precision.csv.
/// </summary>
public static class PrecisionBenchmark
{
    public const string Command = "precision";

    public static int Run(IReadOnlyList<string> args)
    {
        PrecisionBenchOptions options;
        try
        {
            options = PrecisionBenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(PrecisionBenchOptions.Usage);
            return 2;
        }

        string work = Directory.CreateTempSubdirectory("inferpipe-precision-bench-").FullName;
        try
        {
            var rows = new List<PrecisionRow>();
            foreach (var row in MiniLmFigure.Run(options, work, Console.Out).Concat(options.IncludeCnn ? ResNetFigure.Run(options, work, Console.Out) : []))
            {
                Console.WriteLine($"  {row}"); // as soon as measured: a later failure must not lose it
                rows.Add(row);
            }

            Console.WriteLine();
            Console.WriteLine($"Precision figure ({Environment.ProcessorCount} cores; speed = fp32 latency at ONNX Runtime defaults ÷ candidate latency, medians of {options.Rounds} interleaved rounds of {options.RunsPerRound} runs):");
            rows.ForEach(Console.WriteLine);
            if (options.OutputDirectory is { } output)
            {
                Directory.CreateDirectory(output);
                string csv = Path.Combine(output, "precision.csv");
                File.WriteAllLines(csv, rows.Select(r => r.ToCsv()).Prepend(PrecisionRow.CsvHeader));
                Console.WriteLine($"Written to {csv}");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

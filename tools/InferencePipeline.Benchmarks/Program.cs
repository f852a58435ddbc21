using InferencePipeline.Benchmarks;
using InferencePipeline.Benchmarks.Precision;
using InferencePipeline.Benchmarks.Tuning;

// dotnet run -c Release --project tools/InferencePipeline.Benchmarks [-- --quick] [-- --search] [-- --output DIR]
//   ... -- tuning [--quick]: ORT tuning and the whole pipeline on real models; ... -- precision: fp32 vs int8 vs fp16
if (args.Length >= 2 && args[0] == AllocationProbeServer.Argument)
{
    // The child that ServerProcess starts: the server alone in its own process.
    return await AllocationProbeServer.RunAsync(args[1], args[2..]);
}

if (args.Length >= 1 && args[0] == PrecisionBenchmark.Command)
{
    return PrecisionBenchmark.Run(args[1..]);
}

if (args.Length >= 1 && args[0] == TuningBenchmark.Command)
{
    return await TuningBenchmark.RunAsync(args[1..]);
}

BenchmarkArguments arguments;
try
{
    arguments = BenchmarkArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchmarkArguments.Usage);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(BenchmarkArguments.Usage);
    return 0;
}

BenchmarkReport report;
if (arguments.Search)
{
    var started = DateTimeOffset.UtcNow;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var loadBefore = LoadAverage.Read();
    Console.WriteLine($"Search comparison: {Environment.ProcessorCount} cores, load average {loadBefore}");
    var (figures, measurements) = await SearchComparison.RunAsync(arguments, Console.Out);
    report = new BenchmarkReport(started, clock.Elapsed, arguments.Quick, Environment.ProcessorCount, loadBefore, LoadAverage.Read(), figures, measurements);
}
else
{
    report = await BenchmarkSuite.RunAsync(arguments, Console.Out);
}

ReportConsole.Write(Console.Out, report);
var files = await ReportFiles.WriteAsync(arguments.OutputDirectory, report);
Console.WriteLine($"Results written to {string.Join(", ", files)}");
return 0;

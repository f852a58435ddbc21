using System.Diagnostics;
using System.Globalization;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.InferenceServer;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// Measures the embedded server's quality bars side by side in one process and one run: each server figure
/// right next to its in-process ONNX Runtime baseline, so machine load drifts affect both sides alike. One
/// method per figure; <see cref="RunAsync"/> runs them in a fixed order over one server and one repository.
/// </summary>
public sealed class BenchmarkSuite
{
    public const int ThroughputConcurrency = 16;
    public const double ThroughputGoal = 0.9;
    public const double LatencyOverheadGoalMs = 0.3;
    public const double HeadroomGoal = 5;

    /// <summary>Server allocations may grow with the tensor by at most this share of its size ("near constant").</summary>
    public const double AllocationGrowthGoal = 0.05;

    private readonly BenchmarkArguments _arguments;
    private readonly TextWriter _log;
    private readonly BenchmarkRepository _repository;
    private readonly EmbeddedInferenceServer _server;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _statsClient;
    private readonly CancellationToken _cancellationToken;
    private readonly ConcurrencyLoadGenerator _generator = new();
    private readonly List<Measurement> _measurements = [];

    private BenchmarkSuite(BenchmarkArguments arguments, TextWriter log, BenchmarkRepository repository, EmbeddedInferenceServer server,
        GRPCInferenceService.GRPCInferenceServiceClient statsClient, CancellationToken cancellationToken)
    {
        _arguments = arguments;
        _log = log;
        _repository = repository;
        _server = server;
        _statsClient = statsClient;
        _cancellationToken = cancellationToken;
    }

    private LoadGenOptions Options => _arguments.MeasureOptions;

    public static async Task<BenchmarkReport> RunAsync(BenchmarkArguments arguments, TextWriter log, CancellationToken cancellationToken = default)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadBefore = LoadAverage.Read();
        log.WriteLine($"Benchmark ({(arguments.Quick ? "quick" : "default")}): {Environment.ProcessorCount} cores, load average {loadBefore}");

        using var repository = await BenchmarkRepository.CreateAsync();
        await using var server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions
        {
            ModelRepository = repository.Root,
            ControlMode = ModelControlMode.Explicit,
            LoadModels = [BenchmarkRepository.Bert, BenchmarkRepository.Trivial],
        }, ct: cancellationToken);
        using var statsChannel = KServeChannel.Create(server.GrpcAddress);
        log.WriteLine($"Embedded server at {server.GrpcAddress}");

        var suite = new BenchmarkSuite(arguments, log, repository, server, new GRPCInferenceService.GRPCInferenceServiceClient(statsChannel), cancellationToken);
        var (bertThroughput, highestBert) = await suite.BertThroughputAsync();
        var trivial = await suite.MeasureTrivialModelAsync();
        var headroom = await suite.LoadGenHeadroomAsync(highestBert);
        var allocationsBySize = await suite.ServerAllocationsBySizeAsync();
        // Last: its open loop raises the thread pool's minimum for the rest of the process.
        var overload = new OverloadBenchmark(arguments, log, repository.Root, cancellationToken);
        var overloadFigure = await overload.RunAsync();
        suite._measurements.AddRange(overload.Measurements);
        IReadOnlyList<Figure> figures =
            [bertThroughput, LatencyOverhead(trivial), AllocationsPerRequest(trivial), allocationsBySize, headroom, overloadFigure];

        return new BenchmarkReport(
            started, clock.Elapsed, arguments.Quick, Environment.ProcessorCount, loadBefore, LoadAverage.Read(), figures, suite._measurements);
    }

    /// <summary>
    /// BERT throughput: the server with dynamic batching at concurrency 16, then ORT in process at the batch the
    /// server formed. The pair repeats (rounds) so that a change in machine load hits both sides alike.
    /// </summary>
    /// <returns>The figure, and the highest BERT rate measured (the headroom figure's baseline).</returns>
    private async Task<(Figure Figure, double HighestRate)> BertThroughputAsync()
    {
        double serverSum = 0;
        double ortSum = 0;
        double formedBatch = 0;
        var baselineBatch = 1;
        var rounds = _arguments.ThroughputRounds;
        var roundRatios = new List<double>(rounds);
        using (var bertTarget = await GrpcInferenceTarget.CreateAsync(_server.GrpcAddress, BenchmarkRepository.Bert, cancellationToken: _cancellationToken))
        using (var session = OrtSessionFactory.Create(_repository.BertModelPath, OrtSettings.Default))
        {
            for (var round = 1; round <= rounds; round++)
            {
                var before = await ReadCountsAsync(BenchmarkRepository.Bert);
                // The server's first batches pay for JIT tiering of the request path and ORT buffers for each new
                // batch shape; the first round warms up longer so that cost stays out of the figure.
                var roundOptions = round == 1 ? Options with { WarmupMs = _arguments.ServerWarmupMs } : Options;
                var serverRound = (await MeasureAsync($"bert via server, dynamic batching (round {round})", bertTarget, ThroughputConcurrency, roundOptions)).ThroughputPerSec;
                serverSum += serverRound;
                var after = await ReadCountsAsync(BenchmarkRepository.Bert);
                if (round == 1)
                {
                    formedBatch = (after.Inferences - before.Inferences) / (double)Math.Max(1, after.Executions - before.Executions);
                    baselineBatch = Math.Clamp((int)Math.Round(formedBatch), 1, BenchmarkRepository.BertMaxBatch);
                    _log.WriteLine($"  server formed batches of {formedBatch:0.##} on average (inference_count / execution_count); in-process baseline uses batch {baselineBatch}");
                }

                using var ortBertTarget = new InProcessOrtTarget(session, DemoModels.BertInputs(), baselineBatch);
                var ortRound = (await MeasureAsync($"bert in-process ORT (round {round})", ortBertTarget, 1, Options)).ThroughputPerSec;
                ortSum += ortRound;
                roundRatios.Add(serverRound / ortRound);
            }
        }
        _log.WriteLine($"  server / in-process per round: {string.Join(", ", roundRatios.Select(r => r.ToString("0.###", CultureInfo.InvariantCulture)))}");

        var serverBert = serverSum / rounds;
        var ortBert = ortSum / rounds;
        var figure = Ratio(
            "BERT throughput, server c=16 dynamic batching / in-process ORT",
            $"{serverBert:0} infer/s",
            $"{ortBert:0} infer/s (batch {baselineBatch}, c=1)",
            serverBert / ortBert,
            ThroughputGoal,
            higherIsBetter: true,
            $"The server ran BERT (1 instance, dynamic batching, max_batch_size {BenchmarkRepository.BertMaxBatch}) under 16 concurrent batch-1 requests; " +
            $"its ModelStatistics gave {formedBatch:0.##} inferences per execution (inference_count / execution_count) over the first round. ORT in process then ran batch {baselineBatch} " +
            "one request at a time (the server's single instance also runs one batch at a time), same session settings (ORT defaults). " +
            $"Server and in-process runs alternate over {rounds} round(s); each side is the mean of its rounds. " +
            $"Per-round ratios ranged {roundRatios.Min():0.###}-{roundRatios.Max():0.###}: on two cores shared by client, transport and ORT the figure moves a few percent from run to run.");
        return (figure, Math.Max(serverBert, ortBert));
    }

    /// <summary>
    /// The trivial model at concurrency 1, over the server and in process: latency first, then allocations per request
    /// on the same, already warm, targets. Two figures read these runs.
    /// </summary>
    private async Task<TrivialModelRuns> MeasureTrivialModelAsync()
    {
        LatencyStats serverLatency;
        double serverBytesPerRequest;
        using (var trivialTarget = await GrpcInferenceTarget.CreateAsync(_server.GrpcAddress, BenchmarkRepository.Trivial, cancellationToken: _cancellationToken))
        {
            serverLatency = await MeasureAsync("add via server", trivialTarget, 1, Options);
            serverBytesPerRequest = await MeasureAllocationsAsync(
                counted => MeasureAsync("add via server (allocation run)", counted, 1, _arguments.AllocationOptions), trivialTarget);
        }

        LatencyStats ortLatency;
        double clientBytesPerRequest;
        using (var trivialSession = OrtSessionFactory.Create(_repository.TrivialModelPath, OrtSettings.Default))
        using (var ortTrivialTarget = new InProcessOrtTarget(trivialSession, DemoModels.TrivialInputs))
        {
            ortLatency = await MeasureAsync("add in-process ORT", ortTrivialTarget, 1, Options);
            clientBytesPerRequest = await MeasureAllocationsAsync(
                counted => MeasureAsync("add in-process ORT (allocation run)", counted, 1, _arguments.AllocationOptions), ortTrivialTarget);
        }

        return new TrivialModelRuns(serverLatency, ortLatency, serverBytesPerRequest, clientBytesPerRequest);
    }

    private static Figure LatencyOverhead(TrivialModelRuns trivial)
    {
        var overhead = trivial.ServerLatency.P50Ms - trivial.OrtLatency.P50Ms;
        return new Figure(
            "Trivial model p50 latency overhead, server - in-process ORT (c=1)",
            $"{trivial.ServerLatency.P50Ms:0.###} ms",
            $"{trivial.OrtLatency.P50Ms:0.###} ms",
            overhead,
            $"{overhead:0.###} ms",
            $"<= {LatencyOverheadGoalMs} ms",
            overhead <= LatencyOverheadGoalMs,
            "Add-one model (FP32 [1,16]), one request at a time: over gRPC to the embedded server (no dynamic batching) vs. RunWithBinding in process; p50 of the stable windows.");
    }

    private static Figure AllocationsPerRequest(TrivialModelRuns trivial) =>
        new(
            "Allocations per request, server path (trivial model, c=1)",
            $"{trivial.ServerBytesPerRequest:0} B (server + gRPC client + LoadGen)",
            $"{trivial.ClientBytesPerRequest:0} B (LoadGen + in-process ORT)",
            trivial.ServerBytesPerRequest,
            $"{trivial.ServerBytesPerRequest:0} B/request",
            "reported",
            null,
            "GC.GetTotalAllocatedBytes(precise) around a warm measured run divided by the requests sent in it. Server and gRPC client share this " +
            "process, so the server figure includes the client's allocations; the in-process run shows the load generator's own share.");

    /// <summary>LoadGen headroom: the trivial model through the whole gRPC path at concurrency 16, against the highest BERT rate.</summary>
    private async Task<Figure> LoadGenHeadroomAsync(double highestBert)
    {
        double trivialRate;
        using (var trivialTarget = await GrpcInferenceTarget.CreateAsync(_server.GrpcAddress, BenchmarkRepository.Trivial, cancellationToken: _cancellationToken))
        {
            trivialRate = (await MeasureAsync("add via server", trivialTarget, ThroughputConcurrency, Options)).ThroughputPerSec;
        }

        return Ratio(
            "LoadGen headroom, trivial model rate / highest BERT rate",
            $"{trivialRate:0} req/s (add via server, c=16)",
            $"{highestBert:0} infer/s (highest BERT figure)",
            trivialRate / highestBert,
            HeadroomGoal,
            higherIsBetter: true,
            "The load generator drove the trivial model through the whole gRPC path at concurrency 16; that rate, divided by the highest rate it reported " +
            "for BERT above, is how far it is from being the bottleneck there.");
    }

    /// <summary>
    /// Server-only allocations per request for growing tensors: the server in its own process, so its heap counter
    /// holds nothing of the client's; identity models make the tensors the only variable.
    /// </summary>
    private async Task<Figure> ServerAllocationsBySizeAsync()
    {
        var perSize = new List<(string Model, int Bytes, double BytesPerRequest)>();
        await using (var serverProcess = await ServerProcess.StartAsync(
            _repository.Root, BenchmarkRepository.IdentitySizes.Select(s => s.Model).ToList(), _cancellationToken))
        {
            foreach (var (model, width) in BenchmarkRepository.IdentitySizes)
            {
                using var target = await GrpcInferenceTarget.CreateAsync(serverProcess.GrpcAddress, model, cancellationToken: _cancellationToken);
                await MeasureAsync($"{model} via server process (warm-up)", target, 1, _arguments.AllocationOptions with { WarmupMs = Options.WarmupMs });
                var counted = new CountingTarget(target);
                var before = await serverProcess.ReadAllocatedBytesAsync(_cancellationToken);
                await MeasureAsync($"{model} via server process (allocation run)", counted, 1, _arguments.AllocationOptions);
                var after = await serverProcess.ReadAllocatedBytesAsync(_cancellationToken);
                var perRequest = (after - before) / (double)Math.Max(1, counted.Count);
                perSize.Add((model, width * sizeof(float), perRequest));
                _log.WriteLine($"  {model}: {perRequest:0} B allocated by the server per request ({width * sizeof(float)} B in, as much out)");
            }
        }

        var smallest = perSize[0];
        var largest = perSize[^1];
        var growth = largest.BytesPerRequest - smallest.BytesPerRequest;
        var growthShare = growth / largest.Bytes;
        return new Figure(
            "Allocations per request, server process only, by tensor size (identity model, c=1)",
            string.Join(", ", perSize.Select(p => $"{FormatSize(p.Bytes)}: {p.BytesPerRequest:0} B")),
            $"{smallest.BytesPerRequest:0} B at {FormatSize(smallest.Bytes)}",
            growthShare,
            $"+{growth:0} B from {FormatSize(smallest.Bytes)} to {FormatSize(largest.Bytes)} ({growthShare:0.###} of the input tensor)",
            $"growth <= {AllocationGrowthGoal} of the input tensor",
            growthShare <= AllocationGrowthGoal,
            "The embedded server runs alone in a child process; GC.GetTotalAllocatedBytes(precise) is read there before and after a warm " +
            "measured run of an FP32 identity model and divided by the requests sent. Near-constant bytes across tensor sizes mean the request " +
            "path copies tensors into pooled buffers instead of allocating per request.");
    }

    /// <summary>One load-generator measurement, logged and kept for the result files.</summary>
    private async Task<LatencyStats> MeasureAsync(string name, IInferenceTarget target, int concurrency, LoadGenOptions measureOptions)
    {
        _log.Write($"  {name}, concurrency {concurrency}, batch {target.BatchSize} ... ");
        var result = await _generator.MeasureDetailedAsync(target, concurrency, measureOptions, cancellationToken: _cancellationToken);
        // The server's own view over the same windows (ModelStatistics): how long a request queued and how long its
        // batch ran inside ONNX Runtime (Triton's per-request figure, so large batches weigh more), which tells a
        // slow transport from a slow model run.
        var server = result.ServerStats is { } s
            ? $"; server per request: queue {s.QueueMs:0.##} ms, its batch in ORT {s.ComputeInferMs:0.##} ms, {s.RequestCount / (double)Math.Max(1, s.ExecutionCount):0.#} requests per batch"
            : "";
        _log.WriteLine($"{result.Stats.ThroughputPerSec:0} infer/s, p50 {result.Stats.P50Ms:0.###} ms ({result.Windows.Count} windows{(result.Stats.Stable ? ", stable" : ", NOT stable")}){server}");
        _measurements.Add(new Measurement(name, concurrency, target.BatchSize, result.Stats));
        return result.Stats;
    }

    private static Figure Ratio(string name, string subject, string baseline, double ratio, double goal, bool higherIsBetter, string method) =>
        new(name, subject, baseline, ratio, $"{ratio:0.###}x", $"{(higherIsBetter ? ">=" : "<=")} {goal}",
            higherIsBetter ? ratio >= goal : ratio <= goal, method);

    private static string FormatSize(int bytes) =>
        bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : bytes >= 1 << 10 ? $"{bytes >> 10} KiB" : $"{bytes} B";

    /// <summary>Bytes allocated on the managed heap per request while <paramref name="run"/> measures.</summary>
    private static async Task<double> MeasureAllocationsAsync(Func<IInferenceTarget, Task<LatencyStats>> run, IInferenceTarget target)
    {
        var counted = new CountingTarget(target);
        var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        await run(counted);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
        return bytes / (double)Math.Max(1, counted.Count);
    }

    private async Task<(ulong Inferences, ulong Executions)> ReadCountsAsync(string model)
    {
        var response = await _statsClient.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model }, cancellationToken: _cancellationToken);
        var stats = response.ModelStats.Single();
        return (stats.InferenceCount, stats.ExecutionCount);
    }
}

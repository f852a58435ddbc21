using System.Runtime.InteropServices;
using Inference;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using Xunit.Abstractions;
using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>Real input data and server-side times against our embedded KServe v2 server (the Add model: OUTPUT0 = INPUT0 + 1).</summary>
[Collection(LoadGenTimingCollection.Name)]
public sealed class GrpcInputDataAndServerStatsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Width = DemoModels.TrivialWidth;
    private readonly TestModelRepository _repository = new();
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        await _repository.AddModelAsync("add", maxBatchSize: 8);
        _served = await ServedRepository.StartAsync(_repository, ModelControlMode.None);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Sends_each_step_of_the_input_data_and_the_model_answers_input_plus_one(int batchSize)
    {
        var steps = Enumerable.Range(0, 3).Select(s => Enumerable.Range(0, Width).Select(i => s * 100 + i * 0.5f).ToArray()).ToArray();
        // Both forms perf_analyzer accepts: a plain array and content with shape.
        var json = $$"""
            { "data": [
                { "INPUT0": [{{string.Join(", ", steps[0])}}] },
                { "INPUT0": { "content": [{{string.Join(", ", steps[1])}}], "shape": [{{Width}}] } },
                { "INPUT0": { "content": [{{string.Join(", ", steps[2])}}] } }
            ] }
            """;
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add", PerfAnalyzerInputData.Parse(json), batchSize);

        Assert.Equal(3, target.Requests.Count);
        Assert.Equal(batchSize, target.BatchSize);
        using var channel = KServeChannel.Create(_served.Server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        for (var r = 0; r < 3; r++)
        {
            var request = target.Requests[r];
            Assert.Equal([batchSize, (long)Width], request.Inputs[0].Shape);
            var expectedInput = Enumerable.Range(0, batchSize).SelectMany(b => steps[(r + b) % 3]).ToArray();
            Assert.Equal(expectedInput, MemoryMarshal.Cast<byte, float>(request.RawInputContents[0].Span).ToArray());

            var response = await client.ModelInferAsync(request);
            var outputs = response.RawOutputContents.Count > 0
                ? MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray()
                : response.Outputs[0].Contents.Fp32Contents.ToArray();
            Assert.Equal(expectedInput.Select(v => v + 1).ToArray(), outputs);
        }

        // Under load the target cycles through the steps; every one is a valid request.
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(target, 2, new LoadGenOptions { WindowRequests = 30, MaxTrials = 3 });
        Assert.Equal(0, result.ErrorCount);
        Assert.True(result.Stats.RequestCount >= 90);
    }

    [Fact]
    public async Task Input_data_that_does_not_fit_the_served_model_fails_naming_input_and_step()
    {
        var json = $$"""{ "data": [ { "INPUT0": [{{string.Join(", ", new int[Width])}}] }, { "INPUT0": [1, 2] } ] }""";

        var ex = await Assert.ThrowsAsync<InputDataException>(
            () => GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add", PerfAnalyzerInputData.Parse(json)));

        Assert.Contains("Input 'INPUT0' in step 1 has 2 values", ex.Message);
        Assert.Equal(1, ex.Step);
    }

    [Fact]
    public async Task Concurrency_mode_reports_the_servers_queue_and_compute_times_over_the_measured_windows()
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add", batchSize: 2);
        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(
            target, 2, new LoadGenOptions { WindowMs = 200, MaxTrials = 3, WarmupMs = 100 });

        var server = Assert.IsType<ServerSideStats>(result.ServerStats);
        output.WriteLine($"client avg {result.Stats.AvgMs:F3} ms over {result.Stats.RequestCount} requests; server {server}");
        // The snapshots bracket the merged windows, give or take the requests that finish while a snapshot is on its
        // way (the load goes on meanwhile): their number grows with the machine's speed, so the slack is relative.
        // Still tight enough to catch a wrong bracket: the 100 ms warm-up alone would add a sixth.
        var client = result.Stats.RequestCount;
        Assert.InRange(server.RequestCount, (long)(client * 0.95) - 10, (long)(client * 1.05) + 10);
        Assert.True(server.ComputeInferMs > 0, $"{server.ComputeInferMs}");
        Assert.True(server.SuccessMs > 0);
        Assert.True(server.QueueMs >= 0 && server.ComputeInputMs >= 0 && server.ComputeOutputMs >= 0);
        // Time inside the server is part of the client's latency.
        Assert.True(server.QueueMs + server.ComputeInputMs + server.ComputeInferMs + server.ComputeOutputMs < result.Stats.AvgMs * 1.5);
    }

    [Trait(TestCategory.Name, TestCategory.Timing)]
    [Fact]
    public async Task Request_rate_mode_against_the_server_hits_the_rate_and_reports_server_times()
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add");
        var result = await new RequestRateLoadGenerator().MeasureDetailedAsync(
            target, 200, RateDistribution.Poisson, new LoadGenOptions { WindowMs = 500, MaxTrials = 3, WarmupMs = 100 });

        output.WriteLine($"{result.Stats.ThroughputPerSec:N1} req/s, p50 {result.Stats.P50Ms:F3} ms, delayed {result.DelayedRequestCount}, server {result.ServerStats}");
        Assert.InRange(result.Stats.ThroughputPerSec, 160, 240);
        Assert.NotNull(result.ServerStats);
        Assert.True(result.ServerStats.ComputeInferMs > 0);
    }

    [Fact]
    public async Task Server_statistics_are_cumulative_and_their_difference_counts_the_requests_sent()
    {
        using var target = await GrpcInferenceTarget.CreateAsync(_served.Server.GrpcAddress, "add");
        var before = await target.ReadModelStatisticsAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await target.InferAsync(CancellationToken.None);
        }

        var after = await target.ReadModelStatisticsAsync(CancellationToken.None);
        var stats = ServerSideStats.Between(before!, after!);

        Assert.NotNull(stats);
        Assert.Equal(5, stats.RequestCount);
        Assert.Equal(5, stats.ExecutionCount);
        Assert.Null(ServerSideStats.Between(after!, after!));
    }
}

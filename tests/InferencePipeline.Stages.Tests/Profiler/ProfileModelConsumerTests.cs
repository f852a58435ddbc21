using System.Diagnostics;
using Grpc.Core;
using InferencePipeline.Contracts;
using InferencePipeline.KServe.Client;
using InferencePipeline.LoadGen;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using InferencePipeline.TritonProfiler;
using MassTransit;
using Xunit.Abstractions;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>The profiler stage end to end: real bus harness, real embedded server, real ONNX Runtime on the Add model.</summary>
public sealed class ProfileModelConsumerTests(EmbeddedServerFixture server, ITestOutputHelper output) : IClassFixture<EmbeddedServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Measures_every_config_at_every_concurrency_writes_results_and_resumes_without_remeasuring()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        var id = Guid.NewGuid();
        var request = await ProfileRequests.CreateAsync(
            stage.Store, id, ProfileRequests.FastSpace([1, 4], [4, 8], [1, 2]), TestModels.Add, TestModels.Add);

        var watch = Stopwatch.StartNew();
        await stage.SendAndPollAsync(request, Timeout);
        output.WriteLine($"Profiling 6 configs × 2 concurrencies (100 ms windows) took {watch.Elapsed.TotalSeconds:F1} s");

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var measured = stage.PublishedNow<ProfileMeasured>();
        Assert.Equal(12, measured.Count);
        Assert.Equal(Enumerable.Range(0, 12), measured.Select(m => m.Index).Order());
        Assert.All(measured, m => Assert.Equal(12, m.Total));
        Assert.Equal(6, measured.Select(m => m.Measurement.Config.Name).Distinct().Count());
        foreach (var m in measured)
        {
            var stats = m.Measurement.Stats;
            output.WriteLine($"{m.Measurement.Config.Name} @ {m.Measurement.Concurrency}: {stats.ThroughputPerSec:F0}/s p50 {stats.P50Ms:F3} p99 {stats.P99Ms:F3} ms");
            Assert.True(stats.ThroughputPerSec > 10, $"{m.Measurement.Config.Name}: implausible throughput {stats.ThroughputPerSec}");
            Assert.True(stats.RequestCount > 0);
            Assert.InRange(stats.P50Ms, 0.001, 1000);
            Assert.True(stats.P50Ms <= stats.P99Ms);
        }

        var profiled = Assert.IsType<ModelProfiled>(stage.SinglePublishedNow<ModelProfiled>());
        Assert.Equal(12, profiled.MeasurementCount);
        Assert.Equal($"artifacts/{id:N}/profiler/results.json", profiled.ResultsUri);
        var results = ProfileResults.FromJson(await stage.Store.ReadTextAsync(profiled.ResultsUri));
        Assert.Equal(id, results.PipelineId);
        Assert.Equal(
            measured.OrderBy(m => m.Index).Select(m => (m.Measurement.Config.Name, m.Measurement.Concurrency)),
            results.Measurements.Select(m => (m.Config.Name, m.Concurrency)));
        Assert.Equal(
            [ConfigVariant.Default, ConfigVariant.OrtTuned, .. Enumerable.Repeat(ConfigVariant.TritonSearch, 4)],
            results.Measurements.Where(m => m.Concurrency == 1).Select(m => m.Config.Variant));

        // The profiling entry is unloaded and removed from the server's repository.
        Assert.DoesNotContain(ModelRepositoryLayout.Models(server.Repository.Root), name => name.StartsWith("add_", StringComparison.Ordinal));

        // A redelivered command for the same pipeline finds every point checkpointed: nothing is measured again.
        watch.Restart();
        await stage.SendAndPollAsync(request, Timeout);
        output.WriteLine($"Resending took {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(12, stage.PublishedNow<ProfileMeasured>().Count);
        var again = stage.PublishedNow<ModelProfiled>();
        Assert.Equal(2, again.Count);
        Assert.Equal(12, again[1].MeasurementCount);
    }

    [Fact]
    public async Task A_space_of_more_than_a_few_configs_is_hill_climbed_by_default_with_fewer_measurements()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        // 3 preferred sizes × 3 instance counts = 9 configs: more than SearchSpace.AutoQuickAbove, so quick search.
        var space = ProfileRequests.FastSpace([1, 2, 4, 8], [1, 2, 4], [1, 2, 3]);
        Assert.Equal(SearchMode.Quick, space.EffectiveMode);
        var request = await ProfileRequests.CreateAsync(stage.Store, Guid.NewGuid(), space, TestModels.Add, TestModels.Add);

        await stage.SendAndPollAsync(request, Timeout);

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var measured = stage.PublishedNow<ProfileMeasured>();
        var configs = measured.Select(m => m.Measurement.Config.Name).Distinct().ToList();
        output.WriteLine($"quick search: {measured.Count} measurements of {configs.Count} configs ({string.Join(", ", configs)})");
        // Brute force would sweep all 11 configs; the climb measures candidates once and sweeps only the best three.
        Assert.True(measured.Count < 11 * 4, $"{measured.Count} measurements");
        Assert.Equal(["add_config_default", "add_config_ort_tuned", "add_config_0"], configs.Take(3));
        Assert.Equal(Enumerable.Range(0, measured.Count), measured.Select(m => m.Index).Order());
        Assert.All(measured, m => Assert.True(m.Index < m.Total));
        Assert.Equal(measured.Count, measured.Select(m => (m.Measurement.Config.Name, m.Measurement.Concurrency)).Distinct().Count());
        Assert.Equal(measured.Count, Assert.IsType<ModelProfiled>(stage.SinglePublishedNow<ModelProfiled>()).MeasurementCount);
    }

    [Fact]
    public async Task A_model_without_a_batch_dimension_is_searched_over_instances_without_dynamic_batching()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        // Batch sizes × instances would be 9 configs, hill-climbed; without a batch dimension 3 instance counts remain,
        // few enough that every one is measured.
        var space = ProfileRequests.FastSpace([1, 2], [1, 2, 4], [1, 2, 3]);
        var request = await ProfileRequests.CreateAsync(stage.Store, Guid.NewGuid(), space, TestModels.Add, TestModels.Add,
            changeTuned: WithoutBatchDimension);

        await stage.SendAndPollAsync(request, Timeout);

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var search = stage.PublishedNow<ProfileMeasured>().Where(m => m.Measurement.Config.Variant == ConfigVariant.TritonSearch).ToList();
        // add_config_0 (one instance, no batching) is the ORT-tuned config itself, measured once under that name.
        Assert.Equal(["add_config_1", "add_config_2"], search.Select(m => m.Measurement.Config.Name).Distinct().Order());
        Assert.All(search, m => Assert.False(m.Measurement.Config.DynamicBatching));
        Assert.Equal([2, 3], search.Select(m => m.Measurement.Config.InstanceCount).Distinct().Order());
        Assert.Equal([1, 2], search.Where(m => m.Measurement.Config.Name == "add_config_1").Select(m => m.Measurement.Concurrency).Order());
        Assert.Contains(stage.PublishedNow<StageProgress>(), p => p.Message.Contains("no batch dimension", StringComparison.Ordinal));
    }

    /// <summary>The tuned config as a model with fixed dims would have it: max_batch_size 0, the batch of 1 part of every shape.</summary>
    private static void WithoutBatchDimension(Inference.ModelConfig config)
    {
        config.MaxBatchSize = 0;
        foreach (var dims in config.Input.Select(i => i.Dims).Concat(config.Output.Select(o => o.Dims)))
        {
            dims.Insert(0, 1);
        }
    }

    [Fact]
    public async Task Onnx_runtime_backend_parameters_are_searched_with_batching_and_reach_the_server()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        var space = ProfileRequests.FastSpace([1], [4], [1]) with
        {
            BackendParameters = new Dictionary<string, IReadOnlyList<string>> { ["intra_op_thread_count"] = ["1", "2"] },
        };
        var request = await ProfileRequests.CreateAsync(stage.Store, Guid.NewGuid(), space, TestModels.Add, TestModels.Add);

        await stage.SendAndPollAsync(request, Timeout);

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var search = stage.PublishedNow<ProfileMeasured>().Where(m => m.Measurement.Config.Variant == ConfigVariant.TritonSearch).ToList();
        Assert.Equal(["1", "2"], search.Select(m => m.Measurement.Config.BackendParameters!["intra_op_thread_count"]).Order());
        var written = ModelConfigFile.Read(stage.Store.PathFor(search.Single(m => m.Measurement.Config.Name == "add_config_1").Measurement.Config.ConfigUri));
        Assert.Equal("2", written.Parameters["intra_op_thread_count"].StringValue);
    }

    [Fact]
    public async Task A_cancelled_pipeline_stops_between_measurements_and_the_server_unloads_what_the_run_loaded()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        var id = Guid.NewGuid();
        // 6 configs × 3 concurrencies with half-second windows: far longer than the cancel takes to land.
        var space = ProfileRequests.FastSpace([1, 2, 4], [4, 8], [1, 2]) with { MeasurementWindowMs = 500 };
        var request = await ProfileRequests.CreateAsync(stage.Store, id, space, TestModels.Add, TestModels.Add);

        var messageId = NewId.NextGuid();
        await (await stage.Harness.Bus.GetSendEndpoint(QueueNames.For<ProfileModel>())).Send(request, c => c.MessageId = messageId);
        await Eventually.TrueAsync(() => stage.PublishedNow<ProfileMeasured>().Count > 0, Timeout, "the first measurement");
        await stage.Harness.Bus.Publish(new PipelineCancelled(id, PipelineStage.Profiling, "the user cancelled"));
        await Eventually.TrueAsync(
            () => stage.Harness.Consumed.Select<ProfileModel>(m => m.Context.MessageId == messageId, new CancellationToken(canceled: true)).Any(),
            Timeout, "the profile to stop");

        Assert.Null(stage.SinglePublishedNow<ModelProfiled>());
        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        Assert.InRange(stage.PublishedNow<ProfileMeasured>().Count, 1, 3);
        Assert.DoesNotContain(ModelRepositoryLayout.Models(server.Repository.Root), name => name.StartsWith("add_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_config_far_past_the_latency_budget_stops_climbing_concurrency()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        // Different default and tuned files: the default is measured on its own repository entry.
        var request = await ProfileRequests.CreateAsync(
            stage.Store, Guid.NewGuid(), ProfileRequests.FastSpace([1, 2, 4], [4], [1]), TestModels.Identity, TestModels.Add,
            constraints: new PipelineConstraints(MaxLatencyP99Ms: 0.000001));

        await stage.SendAndPollAsync(request, Timeout);

        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        var measured = stage.PublishedNow<ProfileMeasured>();
        // 3 configs, each measured at concurrency 1 only: its p99 is already past the (absurd) budget, and below
        // concurrency 1 there is nothing for the binary search to try.
        Assert.Equal(3, measured.Count);
        Assert.All(measured, m => Assert.Equal(1, m.Measurement.Concurrency));
        Assert.Equal([0, 1, 2], measured.Select(m => m.Index).Order());
        Assert.Equal(3, Assert.IsType<ModelProfiled>(stage.SinglePublishedNow<ModelProfiled>()).MeasurementCount);
        Assert.DoesNotContain(ModelRepositoryLayout.Models(server.Repository.Root), name => name.StartsWith("add_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_config_the_server_refuses_fails_the_stage_with_the_servers_reason()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        var request = await ProfileRequests.CreateAsync(
            stage.Store, Guid.NewGuid(), ProfileRequests.FastSpace([1], [4], [1]), TestModels.Add, TestModels.Add,
            changeTuned: c => c.Input[0].Name = "NO_SUCH_INPUT");

        await stage.SendAndPollAsync(request, Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        output.WriteLine(failed.Reason);
        Assert.Equal(PipelineStage.Profiling, failed.Stage);
        Assert.Contains("could not load config 'add_config_ort_tuned'", failed.Reason);
        Assert.Contains("NO_SUCH_INPUT", failed.Reason);
        Assert.Null(stage.SinglePublishedNow<ModelProfiled>());
    }

    [Fact]
    public async Task An_unreachable_server_is_a_transient_fault_not_a_stage_failure()
    {
        var settings = server.Settings;
        settings[InferenceServerEndpointOptions.Section + ":GrpcAddress"] = $"http://127.0.0.1:{FreePort.Get()}";
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), settings, Timeout);
        var request = await ProfileRequests.CreateAsync(stage.Store, Guid.NewGuid(), ProfileRequests.FastSpace([1], [4], [1]), TestModels.Add, TestModels.Add);

        await stage.SendAndPollAsync(request, Timeout);

        // Thrown for the bus to retry (and, after the retries, to park in profile-model_error).
        var consumed = Assert.Single(stage.Harness.Consumed.Select<ProfileModel>(new CancellationToken(canceled: true)));
        var fault = Assert.IsType<RpcException>(consumed.Exception);
        Assert.Equal(StatusCode.Unavailable, fault.StatusCode);
        Assert.Null(stage.SinglePublishedNow<StageFailed>());
        Assert.Null(stage.SinglePublishedNow<ModelProfiled>());
        Assert.DoesNotContain(ModelRepositoryLayout.Models(server.Repository.Root), name => name.StartsWith("add_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_tuned_config_fails_the_stage_naming_it()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        var id = Guid.NewGuid();
        var request = await ProfileRequests.CreateAsync(stage.Store, id, ProfileRequests.FastSpace([1], [4], [1]), TestModels.Add, TestModels.Add);
        request = request with { TunedConfigUri = $"artifacts/{id:N}/tuner/model_repository/missing/config.pbtxt" };

        await stage.SendAndPollAsync(request, Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        Assert.Contains("missing", failed.Reason);
        Assert.Empty(stage.PublishedNow<ProfileMeasured>());
    }

    [Theory]
    [InlineData("empty concurrency")]
    [InlineData("too few trials")]
    [InlineData("bad model name")]
    [InlineData("model name too long for its config names")]
    [InlineData("backend parameter without values")]
    public async Task Bad_commands_fail_the_stage_without_measuring(string problem)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddTritonProfiler(), server.Settings, Timeout);
        var request = await ProfileRequests.CreateAsync(stage.Store, Guid.NewGuid(), ProfileRequests.FastSpace([1], [4], [1]), TestModels.Add, TestModels.Add);
        request = problem switch
        {
            "empty concurrency" => request with { SearchSpace = request.SearchSpace with { Concurrency = [] } },
            "too few trials" => request with { SearchSpace = request.SearchSpace with { MaxTrials = 2 } },
            "model name too long for its config names" => request with { ModelName = new string('m', 120) },
            "backend parameter without values" => request with
            {
                SearchSpace = request.SearchSpace with { BackendParameters = new Dictionary<string, IReadOnlyList<string>> { ["intra_op_thread_count"] = [] } },
            },
            _ => request with { ModelName = "../escape" },
        };

        await stage.SendAndPollAsync(request, Timeout);

        var failed = Assert.IsType<StageFailed>(stage.SinglePublishedNow<StageFailed>());
        output.WriteLine(failed.Reason);
        Assert.Empty(stage.PublishedNow<ProfileMeasured>());
    }
}

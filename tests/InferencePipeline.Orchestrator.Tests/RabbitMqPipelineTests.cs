using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The distributed composition: real RabbitMQ queues between saga and stages, state in real Redis.</summary>
[Collection(PipelineServers.Collection)]
public sealed class RabbitMqPipelineTests(PipelineServers servers)
{
    [Fact]
    public async Task A_whole_pipeline_runs_over_rabbitmq_with_state_in_redis()
    {
        await using var host = await PipelineTestHost.StartAsync(servers.RabbitMq.ConnectionString, servers.Redis.ConnectionString);
        var request = StandInStages.Request();

        await host.SendAsync(request);
        var status = await host.WaitForStateAsync(request.PipelineId, "Completed", TimeSpan.FromSeconds(60));

        Assert.Equal(StandInStages.BestThroughput, status.BestThroughputPerSec);
        Assert.Equal("tiny-bert_config_3", status.BestConfigName);
        Assert.Equal(StandInStages.MeasurementCount, status.MeasurementsDone);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var stored = await redis.GetDatabase().StringGetAsync($"{OrchestratorRegistrationExtensions.SagaKeyPrefix}{request.PipelineId:D}");
        Assert.Contains("\"CurrentState\":\"Completed\"", stored.ToString());
    }
}

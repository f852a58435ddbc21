using System.Text;
using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;
using RabbitMQ.Client;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// A message no consumer can read, put on a pipeline queue by any AMQP client: it ends in the queue's _error queue with
/// the reason in its headers, once, and the services go on with the next message. Real RabbitMQ; the saga and the
/// stand-in stages on the real queues, composed as the hosts compose them.
/// </summary>
[Collection(PipelineServers.Collection)]
public sealed class MalformedMessageTests(PipelineServers servers)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(QueueNames.Orchestrator)]
    [InlineData(QueueNames.Converter)]
    [InlineData(QueueNames.OrtTuner)]
    [InlineData(QueueNames.Profiler)]
    [InlineData(QueueNames.Analyzer)]
    [InlineData(QueueNames.Deployer)]
    public async Task A_malformed_message_ends_in_the_error_queue_with_its_reason_and_the_pipeline_after_it_completes(string queue)
    {
        await using var host = await PipelineTestHost.StartAsync(servers.RabbitMq.ConnectionString);
        var marker = Guid.NewGuid().ToString("N");
        var factory = new ConnectionFactory { Uri = new Uri(servers.RabbitMq.ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();

        var body = Encoding.UTF8.GetBytes($"{{\"messageType\": [\"urn:message:InferencePipeline.Contracts:StartPipeline\"], \"message\": {{ \"{marker}\": ");
        await channel.BasicPublishAsync("", queue, mandatory: true,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, body);

        var dead = await Eventually.ValueAsync(() => ErrorQueue.FindAsync(connection, queue + "_error", marker), m => m is not null, Timeout,
            _ => $"the malformed message never reached {queue}_error");
        var headers = dead!.BasicProperties.Headers!;
        Assert.True(headers.ContainsKey("MT-Fault-Message"), "the error queue's copy does not say why: " + string.Join(", ", headers.Keys));
        Assert.False(string.IsNullOrWhiteSpace(Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!)));

        // Not redelivered in a loop: the queue is empty again, and a real pipeline goes through every queue.
        Assert.Equal(0u, await channel.MessageCountAsync(queue));
        var request = StandInStages.Request();
        await host.SendAsync(request);
        await host.WaitForStateAsync(request.PipelineId, "Completed", Timeout);
        Assert.Null(await ErrorQueue.FindAsync(connection, queue + "_error", marker));
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;
using RabbitMQ.Client;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// A message past <see cref="RabbitMqNode.MaxMessageBytes"/> is refused by the broker at publish: it reaches no queue and
/// no consumer's memory, and the system goes on. A private node as the AppHost runs it (a container's broker has
/// RabbitMQ's own 128 MiB limit).
/// </summary>
public sealed class OversizedMessageTests
{
    [Fact]
    public async Task The_broker_refuses_a_message_past_the_limit_and_the_pipeline_after_it_completes()
    {
        var server = LocalServerBinaries.RequireRabbitMq(LocalServerProcess.Otherwise);
        var node = RabbitMqNode.Prepare(LocalServerProcess.NewWorkDirectory("rabbitmq-limit"), FreePort.Get(), FreePort.Get());
        await using var broker = LocalServerProcess.Start(server, [], node.Environment, node.Directory);
        await broker.WaitUntilReadyAsync(ProtocolProbe.Amqp, node.Port, TimeSpan.FromSeconds(90));
        await using var host = await PipelineTestHost.StartAsync(node.ConnectionString);

        var factory = new ConnectionFactory { Uri = new Uri(node.ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
                         publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var body = new byte[RabbitMqNode.MaxMessageBytes + 1];
            await Assert.ThrowsAnyAsync<Exception>(async () => await channel.BasicPublishAsync("", QueueNames.Orchestrator, mandatory: true,
                new BasicProperties { ContentType = "application/vnd.masstransit+json" }, body));
            Assert.Equal((ushort)406, channel.CloseReason?.ReplyCode);
            Assert.Contains("max size", channel.CloseReason?.ReplyText);
        }

        await using (var check = await connection.CreateChannelAsync())
            Assert.Equal(0u, await check.MessageCountAsync(QueueNames.Orchestrator));
        var request = StandInStages.Request();
        await host.SendAsync(request);
        await host.WaitForStateAsync(request.PipelineId, "Completed", TimeSpan.FromSeconds(60));
    }
}

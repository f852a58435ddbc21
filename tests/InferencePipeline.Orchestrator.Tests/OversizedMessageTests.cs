using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferencePipeline.Contracts;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.ServiceDefaults;
using InferencePipeline.Testing;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// A message past <see cref="MessageSizeLimit"/> (<c>Pipeline:Messaging:MaxMessageBytes</c>) reaches its queue (the
/// broker's own limit is far higher) and is moved, unread, to the queue's <c>_error</c> queue with a reason naming its
/// size, the limit and the setting; the service goes on with the next message. Our own senders refuse such a message.
/// Real RabbitMQ; the saga and the stand-in stages on the real queues, composed as the hosts compose them.
/// </summary>
[Collection(PipelineServers.Collection)]
public sealed class OversizedMessageTests(PipelineServers servers)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_broker_takes_messages_far_past_the_services_limit_so_they_reach_a_queue()
    {
        Assert.True(RabbitMqNode.MaxMessageBytes >= 16 * MessageSizeLimit.DefaultMaxBytes);
    }

    [Theory]
    [InlineData(QueueNames.Orchestrator)]
    [InlineData(QueueNames.Profiler)]
    [InlineData(QueueNames.Deployer)]
    public async Task A_message_past_the_limit_ends_unread_in_the_error_queue_with_the_reason_and_the_next_message_is_consumed(string queue)
    {
        await using var host = await PipelineTestHost.StartAsync(servers.RabbitMq.ConnectionString);
        var factory = new ConnectionFactory { Uri = new Uri(servers.RabbitMq.ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();

        // A StartPipeline the orchestrator would run, but for an unknown field that takes it past the limit.
        var oversized = StandInStages.Request();
        var marker = oversized.PipelineId.ToString();
        var body = Envelope(oversized, padding: (int)MessageSizeLimit.DefaultMaxBytes);
        Assert.True(body.Length > MessageSizeLimit.DefaultMaxBytes);
        await channel.BasicPublishAsync("", queue, mandatory: true,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, body);

        var dead = await Eventually.ValueAsync(() => ErrorQueue.FindAsync(connection, queue + "_error", marker), m => m is not null, Timeout,
            _ => $"the oversized message never reached {queue}_error");
        var reason = ErrorQueue.FaultMessage(dead!);
        Assert.NotNull(reason);
        Assert.Contains($"A message on {queue} is {body.Length} bytes", reason);
        Assert.Contains($"over the {MessageSizeLimit.DefaultMaxBytes}-byte limit", reason);
        Assert.Contains(MessageSizeLimit.Setting, reason);
        Assert.Equal(body.Length, dead!.Body.Length);

        // Not read, not redelivered: the queue is empty, the pipeline it named never started, and the next message is
        // consumed. On the orchestrator's queue the next one is the same envelope without the padding.
        Assert.Equal(0u, await channel.MessageCountAsync(queue));
        Assert.Null(await host.Status.GetAsync(oversized.PipelineId));
        var next = StandInStages.Request();
        if (queue == QueueNames.Orchestrator)
        {
            await channel.BasicPublishAsync("", queue, mandatory: true,
                new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, Envelope(next, padding: 0));
        }
        else
        {
            await host.SendAsync(next);
        }

        await host.WaitForStateAsync(next.PipelineId, "Completed", Timeout);
        Assert.Null(await host.Status.GetAsync(oversized.PipelineId));
    }

    [Fact]
    public async Task Sending_a_message_past_the_limit_fails_at_the_sender_naming_the_setting()
    {
        await using var host = await PipelineTestHost.StartAsync(servers.RabbitMq.ConnectionString);
        var request = StandInStages.Request() with { ModelName = new string('m', (int)MessageSizeLimit.DefaultMaxBytes) };

        var refused = await Assert.ThrowsAsync<MessageTooLargeException>(() => host.SendAsync(request));

        Assert.Contains("The StartPipeline message is", refused.Message);
        Assert.Contains(MessageSizeLimit.Setting, refused.Message);
        Assert.Null(await host.Status.GetAsync(request.PipelineId));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("4MiB")]
    public void A_limit_that_is_not_a_positive_number_of_bytes_is_refused_naming_the_setting(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [MessageSizeLimit.Setting] = value }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() => MessageSizeLimit.From(configuration));

        Assert.Contains(MessageSizeLimit.Setting, refused.Message);
        Assert.Contains($"'{value}'", refused.Message);
    }

    /// <summary>
    /// <paramref name="request"/> in MassTransit's envelope as any AMQP client writes it (docs/api.md), with
    /// <paramref name="padding"/> bytes in a field no message has.
    /// </summary>
    private static byte[] Envelope(StartPipeline request, int padding)
    {
        var message = JsonSerializer.SerializeToNode(request, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.AsObject();
        if (padding > 0)
            message["padding"] = new string('x', padding);
        var envelope = new JsonObject
        {
            ["messageId"] = Guid.NewGuid().ToString(),
            ["messageType"] = new JsonArray("urn:message:InferencePipeline.Contracts:StartPipeline"),
            ["message"] = message,
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }
}

using System.Text;
using RabbitMQ.Client;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>Reads a pipeline queue's <c>_error</c> queue as an operator would, over AMQP.</summary>
public static class ErrorQueue
{
    /// <summary>
    /// Takes the error queue's messages until the one carrying <paramref name="marker"/>; others go back. MassTransit
    /// declares an error queue at its first fault; until then the broker answers 404 and closes the channel, so each
    /// look has a channel of its own.
    /// </summary>
    public static async Task<BasicGetResult?> FindAsync(IConnection connection, string queue, string marker)
    {
        await using var channel = await connection.CreateChannelAsync();
        var others = new List<ulong>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
            {
                if (Encoding.UTF8.GetString(message.Body.Span).Contains(marker, StringComparison.Ordinal))
                {
                    await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
                    return message;
                }

                others.Add(message.DeliveryTag);
            }

            return null;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
        finally
        {
            if (channel.IsOpen)
            {
                foreach (var tag in others)
                    await channel.BasicNackAsync(tag, multiple: false, requeue: true);
            }
        }
    }

    /// <summary>The fault reason MassTransit wrote on a message it moved to an error queue.</summary>
    public static string? FaultMessage(BasicGetResult message) =>
        message.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out var value) == true && value is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : null;
}

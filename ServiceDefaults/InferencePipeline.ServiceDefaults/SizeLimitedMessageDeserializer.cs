using MassTransit;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Looks at a received body's length before <paramref name="inner"/> parses it. A body past the limit throws where a
/// malformed body would: MassTransit moves the message to its queue's <c>_error</c> queue with the reason in its
/// <c>MT-Fault-Message</c> header and the endpoint takes the next message, so an oversized message is handled exactly
/// as an unreadable one and is never redelivered in a loop.
/// </summary>
public sealed class SizeLimitedMessageDeserializer(IMessageDeserializer inner, MessageSizeLimit limit, ILogger logger) : IMessageDeserializer
{
    public System.Net.Mime.ContentType ContentType => inner.ContentType;

    public void Probe(ProbeContext context)
    {
        context.Add("maxMessageBytes", limit.MaxBytes);
        inner.Probe(context);
    }

    public ConsumeContext Deserialize(ReceiveContext receiveContext)
    {
        Check(receiveContext.Body, receiveContext.InputAddress);
        return inner.Deserialize(receiveContext);
    }

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        Check(body, destinationAddress);
        return inner.Deserialize(body, headers, destinationAddress);
    }

    public MessageBody GetMessageBody(string text) => inner.GetMessageBody(text);

    private void Check(MessageBody body, Uri? address)
    {
        // Transports hand over bodies already in memory, so the length is known without reading it.
        var length = body.Length ?? body.GetBytes().LongLength;
        if (length <= limit.MaxBytes)
        {
            return;
        }

        var reason = limit.Refusal(length, $"A message on {address?.AbsolutePath.TrimStart('/') ?? "a pipeline queue"}");
        logger.LogWarning("{Reason} It goes to the queue's _error queue.", reason);
        throw new MessageTooLargeException(reason);
    }
}

using MassTransit;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Refuses to send a message every receiving service would refuse (<see cref="SizeLimitedMessageDeserializer"/>): the
/// sender gets the error, with the message type and the setting, instead of a fault on some other service's queue.
/// </summary>
public sealed class SizeLimitedMessageSerializer(IMessageSerializer inner, MessageSizeLimit limit) : IMessageSerializer
{
    public System.Net.Mime.ContentType ContentType => inner.ContentType;

    public MessageBody GetMessageBody<T>(SendContext<T> context) where T : class
    {
        var body = inner.GetMessageBody(context);
        // The bytes, not Length: the JSON body knows its length only once serialized (or in chars, as a string). The
        // transport reads the same bytes next; the body keeps them, so the message is serialized once.
        var length = body.GetBytes().LongLength;
        return length <= limit.MaxBytes
            ? body
            : throw new MessageTooLargeException(limit.Refusal(length, $"The {typeof(T).Name} message"));
    }
}

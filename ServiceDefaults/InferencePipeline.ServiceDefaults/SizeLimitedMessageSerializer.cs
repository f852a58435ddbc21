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
        // The transport reads the bytes next anyway; the JSON body keeps them, so they are serialized once.
        var length = body.Length ?? body.GetBytes().LongLength;
        return length <= limit.MaxBytes
            ? body
            : throw new MessageTooLargeException(limit.Refusal(length, $"The {typeof(T).Name} message"));
    }
}

using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// MassTransit's JSON envelope serializer with <see cref="MessageSizeLimit"/> on both sides. Registered on the bus for
/// the envelope's content type, it replaces the default for every receive endpoint of the service.
/// </summary>
public sealed class SizeLimitedSerializerFactory(MessageSizeLimit limit, ILogger logger) : ISerializerFactory
{
    private readonly SystemTextJsonMessageSerializer _json = new();

    public System.Net.Mime.ContentType ContentType => _json.ContentType;

    public IMessageSerializer CreateSerializer() => new SizeLimitedMessageSerializer(_json, limit);

    public IMessageDeserializer CreateDeserializer() => new SizeLimitedMessageDeserializer(_json, limit, logger);
}

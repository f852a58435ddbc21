using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.ServiceDefaults;

public static class MessageSizeLimitExtensions
{
    /// <summary>
    /// Puts <see cref="MessageSizeLimit"/> on the bus's JSON envelope serializer, which every receive endpoint of the bus
    /// inherits: bodies past it are refused before they are parsed (to the queue's <c>_error</c> queue) and never sent.
    /// </summary>
    public static void UseMessageSizeLimit(this IBusFactoryConfigurator configurator, IBusRegistrationContext context, MessageSizeLimit limit)
    {
        var logger = context.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SizeLimitedMessageDeserializer).FullName!);
        var factory = new SizeLimitedSerializerFactory(limit, logger);
        configurator.AddSerializer(factory);
        configurator.AddDeserializer(factory, isDefault: true);
    }
}

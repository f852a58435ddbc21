using System.Security;
using MassTransit;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// Retry what may pass on a second try (a dropped connection, a saga version conflict, a busy server)
/// with exponential backoff; never retry bad input, which fails the same way every time. A message that
/// still fails goes to its queue's _error queue with the exception in its headers (MassTransit's default).
/// </summary>
public static class TransientRetryExtensions
{
    public static void UseTransientRetry(this IBusFactoryConfigurator configurator)
    {
        configurator.UseMessageRetry(retry =>
        {
            retry.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
            retry.Ignore<ArgumentException>();
            retry.Ignore<FormatException>();
            retry.Ignore<InvalidDataException>();
            retry.Ignore<FileNotFoundException>();
            retry.Ignore<DirectoryNotFoundException>();
            retry.Ignore<NotSupportedException>();
            retry.Ignore<UnauthorizedAccessException>();
            retry.Ignore<SecurityException>();
        });
    }
}

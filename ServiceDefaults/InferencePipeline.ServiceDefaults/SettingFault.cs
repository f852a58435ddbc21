using Microsoft.Extensions.Hosting;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// A setting found wrong while the services are composed, reported when the host starts: thrown during composition it
/// would abort the process with a stack trace; thrown from the start, the host prints it as one line and exits with 1
/// (<see cref="ServiceRunExtensions.RunServiceAsync"/>). Registered ahead of what the setting would have configured.
/// </summary>
internal sealed class SettingFault(string problem) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => throw new StartupFaultException(problem);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Hosting;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// Deletes the local servers' private directory (RabbitMQ's mnesia and logs) once the AppHost has stopped,
/// so repeated runs and tests leave nothing in the temp directory. Best effort: a server still flushing
/// when the AppHost exits may keep a file, which the OS's temp cleanup takes later.
/// </summary>
public sealed class RunDirectoryCleanup(string directory, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopped.Register(Delete);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Delete()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace InferencePipeline.ServiceDefaults;

/// <summary>How every service host runs: a start that fails prints one line and exits non-zero, instead of an unhandled
/// exception's stack trace and a core dump.</summary>
public static class ServiceRunExtensions
{
    /// <summary>Exit code of a service that could not start.</summary>
    public const int StartupFailedExitCode = 1;

    /// <summary>
    /// Starts the service and runs it until it is asked to stop; returns the process exit code. A fault during the start
    /// (a port in use, a server that never answered, a setting that is wrong) is written to stderr as
    /// <c>error: &lt;cause and the setting that fixes it&gt;</c> (<see cref="StartupFaultDescription"/>).
    /// </summary>
    /// <param name="portSetting">Names the setting of each port the host listens on, for a host with more than one.</param>
    public static async Task<int> RunServiceAsync(this WebApplication app, Func<int, string>? portSetting = null)
    {
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"error: {StartupFaultDescription.Describe(e, portSetting)}").ConfigureAwait(false);
            await DisposeAfterFailedStartAsync(app).ConfigureAwait(false);
            return StartupFailedExitCode;
        }

        try
        {
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What started before the fault is stopped; a second fault while stopping must not replace the first.</summary>
    private static async Task DisposeAfterFailedStartAsync(WebApplication app)
    {
        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The process is ending with the start-up fault already reported.
        }
        try
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
        }
    }
}

using InferencePipeline.Cli.Remote;
using InferencePipeline.Orchestrator;
using Spectre.Console;

namespace InferencePipeline.Cli.Console;

/// <summary>
/// Follows one pipeline through the orchestrator's API: looks every <c>interval</c> and prints a
/// <see cref="StatusLine"/> whenever the run has moved, until it ends. Shared by <c>run</c> and <c>watch</c>.
/// </summary>
public sealed class StatusFollower(OrchestratorClient client, IAnsiConsole console, TimeSpan interval)
{
    /// <summary>The run's last status once it has ended; null when the orchestrator still does not know it after <paramref name="unknownGrace"/>.</summary>
    /// <param name="unknownGrace">
    /// How long a 404 may last: the API answers a start before the saga has stored the run, so a run just started is
    /// unknown for a moment.
    /// </param>
    public async Task<PipelineStatus?> FollowAsync(Guid pipelineId, TimeSpan unknownGrace, CancellationToken ct)
    {
        string? last = null;
        var unknownSince = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = await client.GetAsync(pipelineId, ct);
            if (status is null)
            {
                if (last is not null || unknownSince.Elapsed >= unknownGrace)
                    return null;
                await Task.Delay(interval, ct);
                continue;
            }

            var line = StatusLine.Of(status);
            if (line != last)
            {
                console.WriteLine(line);
                last = line;
            }

            if (status.Finished)
                return status;

            await Task.Delay(interval, ct);
        }
    }
}

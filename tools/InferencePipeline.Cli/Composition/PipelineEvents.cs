using System.Threading.Channels;

namespace InferencePipeline.Cli.Composition;

/// <summary>
/// Every pipeline event this process hears, in arrival order, for the console to follow.
/// Unbounded: events are few (one per stage step or measurement) and must not be dropped.
/// </summary>
public sealed class PipelineEvents
{
    private readonly Channel<object> _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<object> Reader => _channel.Reader;

    public void Write(object message) => _channel.Writer.TryWrite(message);

    /// <summary>Reads events until <paramref name="pipelineId"/> ends (no console: for scripts and tests).</summary>
    public async Task<PipelineOutcome> WaitForEndAsync(Guid pipelineId, CancellationToken ct)
    {
        var outcome = new PipelineOutcomeBuilder(pipelineId);
        await foreach (var message in Reader.ReadAllAsync(ct))
        {
            if (outcome.Apply(message) && outcome.Finished)
            {
                break;
            }
        }

        return outcome.Build();
    }
}

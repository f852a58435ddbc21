using InferencePipeline.Contracts;
using InferencePipeline.Testing;
using MassTransit;
using MassTransit.Testing;

namespace InferencePipeline.Stages.Tests.Profiler;

/// <summary>
/// Waiting on long consumers without the harness's inactivity timeout: a profile runs for seconds while the
/// bus looks idle, and once that timeout fires the harness's waiting queries return at once. These read
/// snapshots (a cancelled token makes the harness lists return what they hold without waiting) and poll.
/// </summary>
public static class HarnessPolling
{
    private static readonly CancellationToken Now = new(canceled: true);

    public static IReadOnlyList<T> PublishedNow<T>(this StageHarness stage) where T : class =>
        stage.Harness.Published.Select<T>(Now).Select(m => m.Context.Message).ToList();

    public static T? SinglePublishedNow<T>(this StageHarness stage) where T : class =>
        stage.PublishedNow<T>().SingleOrDefault();

    /// <summary>Sends the command to its stage queue and polls until the consumer has finished with it.</summary>
    public static async Task SendAndPollAsync<TCommand>(this StageHarness stage, TCommand command, TimeSpan timeout) where TCommand : class
    {
        var messageId = NewId.NextGuid();
        var endpoint = await stage.Harness.Bus.GetSendEndpoint(QueueNames.For<TCommand>());
        await endpoint.Send(command, context => context.MessageId = messageId);
        await Eventually.TrueAsync(() => stage.Harness.Consumed.Select<TCommand>(m => m.Context.MessageId == messageId, Now).Any(),
            timeout, $"{typeof(TCommand).Name} was not consumed");
    }
}

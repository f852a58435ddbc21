using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// Sends a command from an HTTP request to the saga's queue within <see cref="PipelineApiOptions.BrokerTimeout"/>:
/// MassTransit waits for a broker that is down to come back, and a request must rather answer 503 than hang.
/// </summary>
internal static class PipelineQueue
{
    public static async Task SendAsync<TCommand>(ISendEndpointProvider sendEndpoints, TCommand command, TimeSpan timeout,
        CancellationToken requestAborted)
        where TCommand : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(timeout);
        try
        {
            var endpoint = await sendEndpoints.GetSendEndpoint(QueueNames.For<TCommand>()).WaitAsync(deadline.Token);
            await endpoint.Send(command, deadline.Token);
        }
        catch (OperationCanceledException e) when (!requestAborted.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(DependencyOutage.RabbitMq, e);
        }
    }
}

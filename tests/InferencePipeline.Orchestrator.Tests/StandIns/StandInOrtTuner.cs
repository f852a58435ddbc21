using System.Collections.Concurrent;
using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Tests.StandIns;

public sealed class StandInOrtTuner : IConsumer<TuneOrt>
{
    /// <summary>Every command received, by pipeline, so an API test can see what the request became.</summary>
    public static ConcurrentDictionary<Guid, TuneOrt> Received { get; } = new();

    public Task Consume(ConsumeContext<TuneOrt> context)
    {
        var command = context.Message;
        Received[command.PipelineId] = command;
        var best = OrtSettings.Default with { IntraOpThreads = 2 };
        return context.Publish(new OrtTuned(command.PipelineId, command.ModelName, command.OnnxUri,
            $"artifacts/{command.PipelineId:N}/tune/config.pbtxt", best, 100, 250,
            [new OrtTrial(OrtSettings.Default, 100, 1, 2), new OrtTrial(best, 250, 0.5, 1)]));
    }
}

using System.Collections.Concurrent;
using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Tests.StandIns;

public sealed class StandInConverter : IConsumer<ConvertModel>
{
    /// <summary>Every command received, by pipeline, so an API test can see what the request became.</summary>
    public static ConcurrentDictionary<Guid, ConvertModel> Received { get; } = new();

    public async Task Consume(ConsumeContext<ConvertModel> context)
    {
        var command = context.Message;
        Received[command.PipelineId] = command;
        if (command.ModelUri.Contains(StandInStages.SilentMarker))
            return;
        if (command.ModelUri.Contains(StandInStages.CorruptMarker))
        {
            await context.Publish(new StageFailed(command.PipelineId, PipelineStage.Converting,
                $"{command.ModelUri} is not a valid ONNX model: protobuf parsing failed"));
            return;
        }

        await context.Publish(new StageProgress(command.PipelineId, PipelineStage.Converting, 0.5, "Exporting"));
        await context.Publish(new ModelConverted(command.PipelineId, command.ModelName,
            $"artifacts/{command.PipelineId:N}/convert/model.onnx", $"artifacts/{command.PipelineId:N}/convert/default/config.pbtxt",
            [new TensorSpec("input_ids", "INT64", [-1, 256])], [new TensorSpec("logits", "FP32", [-1, 2])], 8));
    }
}

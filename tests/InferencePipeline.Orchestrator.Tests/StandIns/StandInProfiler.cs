using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Tests.StandIns;

public sealed class StandInProfiler : IConsumer<ProfileModel>
{
    public async Task Consume(ConsumeContext<ProfileModel> context)
    {
        var command = context.Message;
        var config = new ProfiledConfig("tiny-bert_config_0", ConfigVariant.TritonSearch, 16, [16], 2, "artifacts/x/config.pbtxt");
        for (var i = 0; i < StandInStages.MeasurementCount; i++)
        {
            var stats = new LatencyStats(100 * (i + 1), 1, 1, 1, 1, 2, 1000, true);
            await context.Publish(new ProfileMeasured(command.PipelineId, new ProfileMeasurement(config, 1 << i, stats), i,
                StandInStages.MeasurementCount));
        }
        await context.Publish(new ModelProfiled(command.PipelineId, command.ModelName,
            $"artifacts/{command.PipelineId:N}/profile/results.json", StandInStages.MeasurementCount));
    }
}

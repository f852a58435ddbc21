using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Tests.StandIns;

public sealed class StandInAnalyzer : IConsumer<AnalyzeResults>
{
    public Task Consume(ConsumeContext<AnalyzeResults> context)
    {
        var command = context.Message;
        var root = $"artifacts/{command.PipelineId:N}/analyze";
        var best = new ProfiledConfig("tiny-bert_config_3", ConfigVariant.TritonSearch, 16, [16], 2, $"{root}/best/config.pbtxt");
        return context.Publish(new ResultsAnalyzed(command.PipelineId, command.ModelName, best,
            new LatencyStats(StandInStages.BestThroughput, 10, 9, 12, 13, 15, 5000, true), 16, 100, 250,
            $"{root}/metrics.csv", $"{root}/Optimal_Results.png", $"{root}/Optimal_ConfigFile_Location.txt", $"{root}/report.html"));
    }
}

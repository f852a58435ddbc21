using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Tests.StandIns;

public sealed class StandInDeployer : IConsumer<DeployModel>
{
    public const string Endpoint = "http://127.0.0.1:8001";

    public Task Consume(ConsumeContext<DeployModel> context)
    {
        var command = context.Message;
        return context.Publish(new ModelDeployed(command.PipelineId, command.ModelName, command.ModelName, Endpoint,
            $"artifacts/{command.PipelineId:N}/deploy/repository", 1e-5));
    }
}

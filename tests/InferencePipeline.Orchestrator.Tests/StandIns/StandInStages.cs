using InferencePipeline.Contracts;
using MassTransit;

namespace InferencePipeline.Orchestrator.Tests.StandIns;

/// <summary>
/// Registers stand-ins for the five stage services on the stages' real queues. They answer each command with
/// the real result messages (fixed figures), so the saga runs exactly as with the real stages.
/// Model URIs steer them: one containing <see cref="CorruptMarker"/> makes the converter fail,
/// one containing <see cref="SilentMarker"/> makes it never answer (a long conversion).
/// </summary>
public static class StandInStages
{
    public const string CorruptMarker = "corrupt";
    public const string SilentMarker = "silent";
    public const int MeasurementCount = 3;
    public const double BestThroughput = 1100;

    public static IBusRegistrationConfigurator AddStandInStages(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<StandInConverter>().Endpoint(e => e.Name = QueueNames.Converter);
        bus.AddConsumer<StandInOrtTuner>().Endpoint(e => e.Name = QueueNames.OrtTuner);
        bus.AddConsumer<StandInProfiler>().Endpoint(e => e.Name = QueueNames.Profiler);
        bus.AddConsumer<StandInAnalyzer>().Endpoint(e => e.Name = QueueNames.Analyzer);
        bus.AddConsumer<StandInDeployer>().Endpoint(e => e.Name = QueueNames.Deployer);
        return bus;
    }

    public static StartPipeline Request(string modelUri = "models/tiny-bert.onnx", DeployTargetKind deploy = DeployTargetKind.LocalServer) =>
        new(Guid.NewGuid(), "tiny-bert", modelUri, ModelFormat.Onnx, [], [], new PipelineConstraints(MaxLatencyP99Ms: 50),
            Objective.Default, SearchSpace.Small, new DeployTarget(deploy));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using InferencePipeline.Contracts;
using InferencePipeline.Stages;

namespace InferencePipeline.Deployer;

/// <summary>Traces and metrics of the deployer, under the name ServiceDefaults subscribes to ("InferencePipeline.*").</summary>
public static class DeployerTelemetry
{
    public const string Name = "InferencePipeline.Deployer";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Deployments = Meter.CreateCounter<long>(
        "deployer.deployments", description: "deployments by outcome (deployed, failed)");

    public static readonly Histogram<double> SmokeMaxAbsDiff = Meter.CreateHistogram<double>(
        "deployer.smoke.max_abs_diff", description: "largest difference between the served answer and ONNX Runtime's");

    public static readonly StageTelemetry Stage = new(PipelineStage.Deploying, ActivitySource, "deploy model", "deployment")
    {
        Outcomes = Deployments,
        SucceededOutcome = "deployed",
    };
}

namespace InferencePipeline.Contracts;

/// <summary>
/// The queue each command is sent to. Commands go to one stage's queue; events are published.
/// One place so the orchestrator, the CLI and each stage agree.
/// </summary>
public static class QueueNames
{
    public const string Orchestrator = "start-pipeline";
    public const string Converter = "convert-model";
    public const string OrtTuner = "tune-ort";
    public const string Profiler = "profile-model";
    public const string Analyzer = "analyze-results";
    public const string Deployer = "deploy-model";

    public static Uri For<TCommand>() => new($"queue:{Name<TCommand>()}");

    public static string Name<TCommand>() => typeof(TCommand).Name switch
    {
        nameof(StartPipeline) or nameof(CancelPipeline) => Orchestrator,
        nameof(ConvertModel) => Converter,
        nameof(TuneOrt) => OrtTuner,
        nameof(ProfileModel) => Profiler,
        nameof(AnalyzeResults) => Analyzer,
        nameof(DeployModel) => Deployer,
        var other => throw new ArgumentException($"{other} is not a pipeline command", nameof(TCommand)),
    };
}

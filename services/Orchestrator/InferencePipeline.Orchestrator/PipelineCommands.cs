using InferencePipeline.Contracts;

namespace InferencePipeline.Orchestrator;

/// <summary>Builds each stage's command from the request and the results so far.</summary>
internal static class PipelineCommands
{
    public static ConvertModel Convert(StartPipeline request) =>
        new(request.PipelineId, request.ModelName, request.ModelUri, request.Format, request.Inputs, request.Outputs,
            request.TrustPickle, request.OnnxOpset);

    public static TuneOrt Tune(ModelConverted converted, StartPipeline? request) =>
        new(converted.PipelineId, converted.ModelName, converted.OnnxUri, converted.DefaultConfigUri, converted.Inputs, converted.Outputs,
            request?.InputDataUri);

    public static ProfileModel Profile(PipelineState state)
    {
        var request = Require(state.Request, state);
        var converted = Require(state.Converted, state);
        var tuned = Require(state.Tuned, state);
        return new ProfileModel(state.CorrelationId, request.ModelName, converted.DefaultConfigUri, tuned.TunedConfigUri,
            converted.Inputs, request.SearchSpace, request.Constraints, request.InputDataUri);
    }

    public static AnalyzeResults Analyze(PipelineState state)
    {
        var request = Require(state.Request, state);
        var profiled = Require(state.Profiled, state);
        return new AnalyzeResults(state.CorrelationId, request.ModelName, profiled.ResultsUri, request.Constraints, request.Objectives);
    }

    public static DeployModel Deploy(PipelineState state)
    {
        var request = Require(state.Request, state);
        var analyzed = Require(state.Analyzed, state);
        // The converter's inputs carry the sizes to send for dims the served config leaves open.
        return new DeployModel(state.CorrelationId, request.ModelName, analyzed.Best.ConfigUri, request.DeployTarget, state.Converted?.Inputs, request.InputDataUri);
    }

    public static PipelineCompleted Completed(PipelineState state)
    {
        var request = Require(state.Request, state);
        var analyzed = Require(state.Analyzed, state);
        return new PipelineCompleted(state.CorrelationId, request.ModelName, analyzed.Best.Name, analyzed.DefaultThroughputPerSec,
            analyzed.OrtTunedThroughputPerSec, analyzed.BestStats.ThroughputPerSec, analyzed.ReportUri, state.Deployed?.Endpoint);
    }

    private static T Require<T>(T? value, PipelineState state) where T : class =>
        value ?? throw new InvalidOperationException(
            $"Pipeline {state.CorrelationId} in state {state.CurrentState} has no {typeof(T).Name} recorded; its saga state is incomplete.");
}

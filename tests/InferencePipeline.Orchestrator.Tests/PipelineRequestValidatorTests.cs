using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Tests.StandIns;

namespace InferencePipeline.Orchestrator.Tests;

public sealed class PipelineRequestValidatorTests
{
    [Fact]
    public void Normalize_fills_id_name_and_defaults_of_a_minimal_request()
    {
        var minimal = new StartPipeline(Guid.Empty, "", "/data/models/bert-squad.onnx", ModelFormat.Auto, null!, null!, null!, null!, null!, null!);

        var request = PipelineRequestValidator.Normalize(minimal);

        Assert.NotEqual(Guid.Empty, request.PipelineId);
        Assert.Equal("bert-squad", request.ModelName);
        Assert.Empty(request.Inputs);
        Assert.Same(SearchSpace.Small, request.SearchSpace);
        Assert.Equal(DeployTargetKind.LocalServer, request.DeployTarget.Kind);
        Assert.Empty(PipelineRequestValidator.Validate(request));
    }

    [Fact]
    public void Validate_names_each_bad_field()
    {
        var request = StandInStages.Request() with
        {
            Inputs = [new TensorSpec("input_ids", "INT64", [-1, 0])],
            Constraints = new PipelineConstraints(MaxLatencyP99Ms: -5),
            Objectives = [new Objective("fastest", 1)],
            OnnxOpset = 0,
        };

        var errors = PipelineRequestValidator.Validate(request);

        Assert.Contains("dimensions are positive or -1", errors["Inputs"][0]);
        Assert.Contains("maxLatencyP99Ms", errors["Constraints"][0]);
        Assert.Contains("perf_throughput", errors["Objectives"][0]);
        Assert.Contains("onnxOpset 0 is not an ONNX opset", errors["OnnxOpset"][0]);
    }
}

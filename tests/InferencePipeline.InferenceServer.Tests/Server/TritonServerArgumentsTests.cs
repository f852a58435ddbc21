using InferencePipeline.InferenceServer.Hosting;

namespace InferencePipeline.InferenceServer.Tests.Server;

public sealed class TritonServerArgumentsTests
{
    [Fact]
    public void Maps_tritonserver_arguments_to_configuration_keys()
    {
        var values = TritonServerArguments.ToConfiguration(
            ["--model-repository=/models", "--grpc-port", "9001", "--http-port=9000", "--model-control-mode", "explicit",
             "--load-model", "bert", "--load-model=add", "--unrelated", "x"]);

        Assert.Equal("/models", values["InferenceServer:ModelRepository"]);
        Assert.Equal("9001", values[TritonServerArguments.GrpcPortKey]);
        Assert.Equal("9000", values[TritonServerArguments.HttpPortKey]);
        Assert.Equal("Explicit", values["InferenceServer:ControlMode"]);
        Assert.Equal("bert", values["InferenceServer:LoadModels:0"]);
        Assert.Equal("add", values["InferenceServer:LoadModels:1"]);
        Assert.Equal(6, values.Count);
    }

    [Theory]
    [InlineData("--model-control-mode=poll", "poll")]
    [InlineData("--grpc-port=http", "not a port")]
    [InlineData("--model-repository", "needs a value")]
    public void Refuses_what_it_cannot_honour(string arg, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => TritonServerArguments.ToConfiguration([arg]));
        Assert.Contains(expected, error.Message);
    }
}

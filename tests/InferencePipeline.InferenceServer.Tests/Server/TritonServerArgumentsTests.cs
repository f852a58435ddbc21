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

    [Fact]
    public void Maps_poll_mode_and_its_interval()
    {
        var values = TritonServerArguments.ToConfiguration(["--model-control-mode=poll", "--repository-poll-secs", "5"]);

        Assert.Equal("Poll", values["InferenceServer:ControlMode"]);
        Assert.Equal(TimeSpan.FromSeconds(5), TimeSpan.Parse(values["InferenceServer:RepositoryPollInterval"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Maps_metrics_port_and_exit_on_error()
    {
        var values = TritonServerArguments.ToConfiguration(["--metrics-port", "9002", "--exit-on-error=false"]);

        Assert.Equal("9002", values[TritonServerArguments.MetricsPortKey]);
        Assert.Equal("false", values["InferenceServer:ExitOnError"]);
        Assert.Equal("true", TritonServerArguments.ToConfiguration(["--exit-on-error", "1"])["InferenceServer:ExitOnError"]);
    }

    [Theory]
    [InlineData("--exit-on-error=maybe", "not true or false")]
    [InlineData("--metrics-port=70000", "not a port")]
    [InlineData("--model-control-mode=sometimes", "'none', 'explicit' or 'poll'")]
    [InlineData("--repository-poll-secs=0", "greater than 0")]
    [InlineData("--repository-poll-secs=soon", "whole number of seconds")]
    [InlineData("--grpc-port=http", "not a port")]
    [InlineData("--model-repository", "needs a value")]
    public void Refuses_what_it_cannot_honour(string arg, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => TritonServerArguments.ToConfiguration([arg]));
        Assert.Contains(expected, error.Message);
    }
}

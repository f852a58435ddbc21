using InferencePipeline.InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

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

    [Fact]
    public void Maps_the_overload_limits()
    {
        var values = TritonServerArguments.ToConfiguration(["--max-queue-size", "64", "--max-in-flight-bytes=1048576", "--max-request-bytes", "4096"]);

        Assert.Equal("64", values["InferenceServer:MaxQueueSize"]);
        Assert.Equal("1048576", values["InferenceServer:MaxInFlightBytes"]);
        Assert.Equal("4096", values["InferenceServer:MaxRequestBytes"]);
    }

    [Theory]
    [InlineData(9001, "--grpc-port")]
    [InlineData(9000, "--http-port")]
    [InlineData(9002, "--metrics-port")]
    [InlineData(8001, "--grpc-port, --http-port or --metrics-port")]
    public void Names_the_flag_that_chose_a_port(int port, string flag)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(TritonServerArguments.ToConfiguration(["--grpc-port=9001", "--http-port", "9000", "--metrics-port=9002"]))
            .Build();

        Assert.Equal(flag, TritonServerArguments.PortSetting(configuration, port));
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

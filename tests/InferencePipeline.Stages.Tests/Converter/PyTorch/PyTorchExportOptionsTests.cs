using InferencePipeline.Converter.PyTorch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

public sealed class PyTorchExportOptionsTests
{
    [Fact]
    public void The_exporter_takes_its_settings_from_the_pipeline_converter_pytorch_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Converter:PyTorch:PythonPath"] = "/opt/torch/bin/python",
            ["Pipeline:Converter:PyTorch:Timeout"] = "00:02:30",
            ["Pipeline:Converter:PyTorch:MemoryLimitMb"] = "2048",
            ["Pipeline:Converter:PyTorch:Tolerance"] = "0.001",
            ["Pipeline:Converter:PyTorch:ExampleOpenDimSize"] = "32",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPyTorchExporter().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PyTorchExportOptions>>().Value;

        Assert.Equal("/opt/torch/bin/python", options.PythonPath);
        Assert.Equal(TimeSpan.FromSeconds(150), options.Timeout);
        Assert.Equal(2048, options.MemoryLimitMb);
        Assert.Equal(0.001, options.Tolerance);
        Assert.Equal(32, options.ExampleOpenDimSize);
        Assert.Equal(100, options.ExampleIdLimit); // untouched default
        Assert.NotNull(provider.GetRequiredService<PyTorchExporter>());
    }

    [Theory]
    [InlineData("int64", "INT64")]
    [InlineData("INT64", "INT64")]
    [InlineData("long", "INT64")]
    [InlineData("torch.float32", "FP32")]
    [InlineData("float", "FP32")]
    [InlineData("TYPE_FP16", "FP16")]
    [InlineData("half", "FP16")]
    [InlineData("bool", "BOOL")]
    [InlineData("np.uint8", "UINT8")]
    public void Input_types_in_torch_numpy_kserve_and_triton_spelling_are_accepted(string given, string expected)
    {
        Assert.True(PyTorchDataTypes.TryNormalize(given, out var kserve));
        Assert.Equal(expected, kserve);
    }

    [Theory]
    [InlineData("string")]
    [InlineData("complex64")]
    [InlineData("")]
    public void Types_torch_inputs_cannot_have_are_refused(string given) =>
        Assert.False(PyTorchDataTypes.TryNormalize(given, out _));
}

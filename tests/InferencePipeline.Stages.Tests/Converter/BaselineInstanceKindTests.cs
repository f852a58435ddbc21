using InferencePipeline.Converter;

namespace InferencePipeline.Stages.Tests.Converter;

/// <summary>Which instance kind the converter's baseline asks for, on which host.</summary>
public sealed class BaselineInstanceKindTests
{
    [Theory]
    [InlineData("auto", true, true)]
    [InlineData("auto", false, false)]
    [InlineData(null, true, true)]
    [InlineData("gpu", false, true)]
    [InlineData("CPU", true, false)]
    public void The_baseline_is_on_the_gpu_where_cuda_loads_unless_configured(string? kind, bool cudaLoads, bool expected)
    {
        Assert.Equal(expected, ConverterOptions.BaselineOnGpu(kind, () => cudaLoads));
    }

    [Fact]
    public void An_unknown_kind_names_the_setting_and_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => ConverterOptions.BaselineOnGpu("tpu", () => false));
        Assert.Contains("Pipeline:Converter:BaselineInstanceKind is 'tpu'; use auto, cpu or gpu", error.Message);
    }
}

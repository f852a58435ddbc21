namespace InferencePipeline.Onnx.Tests;

public sealed class ExecutionProvidersTests
{
    [Fact]
    public void Cpu_is_always_available_and_unavailable_providers_say_why()
    {
        var report = ExecutionProviders.Detect();

        Assert.True(report.Cpu);
        Assert.Contains("CPU", report.Available);
        Assert.True(report.IsAvailable("cpu"));
        Assert.Equal(report.Cuda, report.IsAvailable("CUDAExecutionProvider"));
        Assert.Equal(report.TensorRt, report.IsAvailable("trt"));
        if (!report.Cuda)
        {
            Assert.False(string.IsNullOrWhiteSpace(report.Reasons["CUDA"]));
        }

        if (!report.TensorRt)
        {
            Assert.False(string.IsNullOrWhiteSpace(report.Reasons["TensorRT"]));
        }

        Assert.Same(report, ExecutionProviders.Detect()); // probed once per process
    }
}

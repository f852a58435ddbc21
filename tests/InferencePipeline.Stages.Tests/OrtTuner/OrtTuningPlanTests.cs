using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;

namespace InferencePipeline.Stages.Tests.OrtTuner;

/// <summary>
/// What the engine plans beyond CPU, given the providers a machine reports: CUDA and TensorRT at their defaults, then
/// TensorRT's fp16 mode (in a child process) or a row saying it was not enabled; fp16 on CUDA only after CUDA itself
/// worked. On a machine without the CUDA libraries the sessions fall back, and those candidates fail saying so.
/// </summary>
public sealed class OrtTuningPlanTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("ort-tuning-plan-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Gpu_providers_get_their_candidates_and_tensorrt_fp16_only_when_enabled(bool tensorRtFp16)
    {
        var model = Path.Combine(_work, "bert.onnx");
        DemoModels.WriteBert(model);
        var options = new OrtTunerOptions
        {
            WindowMs = 100, WarmupMs = 50, MaxWindowsPerTrial = 3, AccuracySamples = 2, MaxTrials = 4,
            QuantizationEnabled = false, Fp16OnCpu = false, TensorRtFp16Enabled = tensorRtFp16,
        };
        var gpu = new ExecutionProviderReport(Cpu: true, Cuda: true, TensorRt: true, new Dictionary<string, string>());
        var job = new OrtTuningJob(model, DemoModels.BertInputs(), null, null, Path.Combine(_work, "work"), gpu);

        var result = await new OrtTuning(options, job).RunAsync(CancellationToken.None);

        var names = result.Trials.Select(t => t.Candidate).ToList();
        Assert.Equal(["default", "cuda", "tensorrt", "opt0"], names.Take(4)); // round one: the GPU defaults first, MaxTrials cuts the levels
        var tensorRtFp16Row = Assert.Single(result.Trials, t => t.Candidate == "tensorrt-fp16");
        Assert.Equal(new OrtSettings("TensorRT", "fp16"), tensorRtFp16Row.Settings);
        if (!tensorRtFp16)
        {
            Assert.StartsWith("skipped: TensorRT fp16 not enabled", tensorRtFp16Row.Error);
        }

        var real = ExecutionProviders.Detect();
        if (!real.Cuda)
        {
            Assert.Contains("CUDA is not available", result.Trials.Single(t => t.Candidate == "cuda").Error);
            Assert.DoesNotContain("cuda-fp16", names); // fp16 on CUDA waits for CUDA itself to work
            Assert.Equal("CPU", result.Chosen.Settings.ExecutionProvider);
        }

        if (!real.TensorRt && tensorRtFp16)
        {
            Assert.Contains("TensorRT is not available", tensorRtFp16Row.Error);
            Assert.Contains("in a child process", tensorRtFp16Row.Note);
        }
    }
}

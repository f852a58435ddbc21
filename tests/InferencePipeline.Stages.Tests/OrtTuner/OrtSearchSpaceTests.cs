using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class OrtSearchSpaceTests
{
    private static readonly Dictionary<string, string> NoReasons = [];

    [Fact]
    public void On_a_cpu_only_machine_it_tries_every_level_and_thread_count_once_default_first()
    {
        var candidates = OrtSearchSpace.Candidates(new ExecutionProviderReport(true, false, false, NoReasons), processorCount: 2);

        Assert.Equal(OrtSettings.Default, candidates[0]);
        Assert.Equal(12, candidates.Count); // 4 levels × {0, 1, 2} threads, the default among them
        Assert.Equal(candidates.Count, candidates.Distinct().Count());
        Assert.All(candidates, c => Assert.Equal("CPU", c.ExecutionProvider));
        Assert.All(candidates, c => Assert.Equal("fp32", c.Precision));
    }

    [Fact]
    public void Gpu_providers_are_tried_only_when_they_work()
    {
        var withGpu = OrtSearchSpace.Candidates(new ExecutionProviderReport(true, true, true, NoReasons), processorCount: 1);

        Assert.Contains(withGpu, c => c.ExecutionProvider == "CUDA");
        Assert.Contains(withGpu, c => c.ExecutionProvider == "TensorRT");
        Assert.Equal(8 + 2, withGpu.Count); // one core: thread counts {0, 1}
    }

    [Fact]
    public void A_gain_inside_the_measurement_noise_keeps_the_default()
    {
        var options = new OrtTunerOptions { StabilityPercentage = 10 };
        var baseline = new OrtTrial(OrtSettings.Default, 1000, 1, 1);
        var slightlyFaster = new OrtTrial(OrtSettings.Default with { IntraOpThreads = 1 }, 1030, 1, 1);
        var clearlyFaster = new OrtTrial(OrtSettings.Default with { GraphOptimizationLevel = 2 }, 1200, 1, 1);
        var broken = new OrtTrial(OrtSettings.Default with { GraphOptimizationLevel = 0 }, 5000, 1, 1, "rejected");

        Assert.Same(baseline, TuneOrtConsumer.ChooseBest([baseline, slightlyFaster, broken], options));
        Assert.Same(clearlyFaster, TuneOrtConsumer.ChooseBest([baseline, slightlyFaster, clearlyFaster, broken], options));
    }
}

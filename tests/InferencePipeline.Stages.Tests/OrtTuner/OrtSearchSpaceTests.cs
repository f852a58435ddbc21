using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class OrtSearchSpaceTests
{
    private static readonly Dictionary<string, string> NoReasons = [];
    private static readonly ExecutionProviderReport CpuOnly = new(true, false, false, NoReasons);

    [Fact]
    public void Round_one_is_the_default_then_every_other_graph_level_at_default_threads()
    {
        var candidates = OrtSearchSpace.Levels(CpuOnly);

        Assert.Equal(OrtSettings.Default, candidates[0]);
        Assert.Equal([99, 0, 1, 2], candidates.Select(c => c.GraphOptimizationLevel));
        Assert.All(candidates, c => Assert.Equal(new OrtSettings(GraphOptimizationLevel: c.GraphOptimizationLevel), c));
    }

    [Fact]
    public void Later_rounds_start_from_the_best_so_far_one_knob_at_a_time()
    {
        var best = OrtSettings.Default with { GraphOptimizationLevel = 2 };

        var threads = OrtSearchSpace.Threads(best, processorCount: 2);
        var modes = OrtSearchSpace.ExecutionModes(best with { IntraOpThreads = 1 }, processorCount: 2);

        Assert.Equal([best with { IntraOpThreads = 1 }, best with { IntraOpThreads = 2 }], threads);
        var parallel = Assert.Single(modes);
        Assert.Equal(best with { IntraOpThreads = 1, InterOpThreads = 2, ExecutionMode = OrtSettings.Parallel }, parallel);
        Assert.Empty(OrtSearchSpace.ExecutionModes(best, processorCount: 1)); // one core: nothing to run in parallel
        Assert.Empty(OrtSearchSpace.Threads(best with { ExecutionProvider = "CUDA" }, 2));
    }

    [Fact]
    public void The_exhaustive_grid_multiplies_level_threads_and_execution_mode_and_keeps_the_default_first()
    {
        var grid = OrtSearchSpace.Grid(CpuOnly, processorCount: 2);

        Assert.Equal(OrtSettings.Default, grid[0]);
        Assert.Equal(4 * 3 * 2, grid.Count); // levels × intra {0, 1, 2} × {sequential, parallel with 2 inter-op threads}
        Assert.Equal(grid.Count, grid.Distinct().Count());
        Assert.All(grid.Where(c => c.IsParallel), c => Assert.Equal(2, c.InterOpThreads));
        Assert.All(grid.Where(c => !c.IsParallel), c => Assert.Equal(0, c.InterOpThreads));
    }

    [Fact]
    public void Gpu_providers_are_tried_only_when_they_work_and_are_allowed()
    {
        var withGpu = OrtSearchSpace.Levels(new ExecutionProviderReport(true, true, true, NoReasons));
        var tensorRtOnly = OrtSearchSpace.Levels(new ExecutionProviderReport(true, true, true, NoReasons), new HashSet<string> { "TensorRT" });

        Assert.Contains(withGpu, c => c.ExecutionProvider == "CUDA");
        Assert.Contains(withGpu, c => c.ExecutionProvider == "TensorRT");
        Assert.DoesNotContain(OrtSearchSpace.Levels(CpuOnly), c => c.ExecutionProvider != "CPU");
        // The default stays as the baseline even when CPU is not in the list; nothing else runs on CPU.
        Assert.Equal([OrtSettings.Default, OrtSettings.Default with { ExecutionProvider = "TensorRT" }], tensorRtOnly);
    }

    [Fact]
    public void A_gain_inside_the_measurement_noise_keeps_the_default_and_a_rejected_candidate_is_never_chosen()
    {
        var options = new OrtTunerOptions { StabilityPercentage = 10 };
        var baseline = new OrtTrial(OrtSettings.Default, 1000, 1, 1, Candidate: "default");
        var slightlyFaster = new OrtTrial(OrtSettings.Default with { IntraOpThreads = 1 }, 1030, 1, 1, Candidate: "intra1");
        var clearlyFaster = new OrtTrial(OrtSettings.Default with { GraphOptimizationLevel = 2 }, 1200, 1, 1, Candidate: "opt2");
        var broken = new OrtTrial(OrtSettings.Default with { GraphOptimizationLevel = 0 }, 5000, 1, 1, "failed", Candidate: "opt0");
        var inaccurate = new OrtTrial(OrtSettings.Default with { Precision = "int8" }, 9000, 1, 1, Candidate: "int8", AccuracyOk: false);

        Assert.Same(baseline, OrtTuning.ChooseBest([baseline, slightlyFaster, broken, inaccurate], options));
        Assert.Same(clearlyFaster, OrtTuning.ChooseBest([baseline, slightlyFaster, clearlyFaster, broken, inaccurate], options));
    }

    [Fact]
    public void Candidates_are_named_by_what_differs_from_the_defaults()
    {
        Assert.Equal("default", CandidateNames.For(OrtSettings.Default));
        Assert.Equal("opt2-intra1", CandidateNames.For(new OrtSettings(GraphOptimizationLevel: 2, IntraOpThreads: 1)));
        Assert.Equal("inter2-parallel", CandidateNames.For(new OrtSettings(InterOpThreads: 2, ExecutionMode: "parallel")));
        Assert.Equal("int8", CandidateNames.For(OrtSettings.Default with { Precision = "int8" }));
        Assert.Equal("tensorrt-fp16", CandidateNames.For(new OrtSettings("TensorRT", "fp16")));
    }
}

using InferencePipeline.Contracts;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// Overall progress in percent: each stage is an equal share, the running stage counts by its own fraction.
/// Equal shares are wrong in time (profiling dominates) but never go backwards, which is what a watcher needs.
/// </summary>
public static class PipelineProgress
{
    private static readonly int StageCount = Enum.GetValues<PipelineStage>().Length;

    public static double Percent(PipelineStage stage, double stageFraction)
    {
        var fraction = double.IsFinite(stageFraction) ? Math.Clamp(stageFraction, 0, 1) : 0;
        return Math.Round(((int)stage + fraction) * 100.0 / StageCount, 1);
    }
}

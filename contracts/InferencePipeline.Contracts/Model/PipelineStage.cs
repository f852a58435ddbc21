namespace InferencePipeline.Contracts;

/// <summary>The stages of one pipeline run, in order.</summary>
public enum PipelineStage
{
    Converting = 0,
    Tuning = 1,
    Profiling = 2,
    Analyzing = 3,
    Deploying = 4,
}

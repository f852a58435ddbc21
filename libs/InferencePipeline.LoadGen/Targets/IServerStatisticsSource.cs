using Inference;

namespace InferencePipeline.LoadGen;

/// <summary>
/// A target whose server can report cumulative per-model statistics (KServe v2 ModelStatistics, as Triton
/// keeps them). The load generator reads them at window boundaries and reports the difference.
/// </summary>
public interface IServerStatisticsSource
{
    /// <summary>The model's cumulative statistics now, summed over its versions; null when the server keeps none.</summary>
    Task<ModelStatistics?> ReadModelStatisticsAsync(CancellationToken cancellationToken);
}

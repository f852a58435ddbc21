using InferencePipeline.Artifacts;
using InferencePipeline.LoadGen;

namespace InferencePipeline.Stages;

/// <summary>
/// A pipeline's real inputs (perf_analyzer's <c>--input-data</c> JSON, named by the command's <c>InputDataUri</c>) as the
/// tuner, profiler and deployer read them: read once, so data that does not parse fails the stage before any work.
/// </summary>
public sealed record PipelineInputData(PerfAnalyzerInputData Data, string Path)
{
    /// <returns>The data, or null when the command names none.</returns>
    /// <param name="remedy">What the user can do instead, the last sentence of the failure (e.g. leave it out to use generated inputs).</param>
    /// <exception cref="StageFailedException">The file is missing, not local, or not perf_analyzer JSON.</exception>
    public static PipelineInputData? Load(string? inputDataUri, ArtifactStore store, string remedy)
    {
        if (string.IsNullOrWhiteSpace(inputDataUri))
        {
            return null;
        }

        try
        {
            var path = ModelSource.ResolveLocalPath(inputDataUri, store, "input data");
            return new PipelineInputData(PerfAnalyzerInputData.Load(path), path);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or ArtifactUriException or InputDataException)
        {
            throw new StageFailedException($"Cannot use the input data '{inputDataUri}': {e.Message.TrimEnd('.')}. {remedy}", e);
        }
    }
}

using InferencePipeline.Artifacts;
using InferencePipeline.LoadGen;

namespace InferencePipeline.Stages;

/// <summary>
/// A pipeline's real inputs (perf_analyzer's <c>--input-data</c> JSON, named by the command's <c>InputDataUri</c>) as the
/// tuner, profiler and deployer read them: only from where <see cref="ModelSourcePolicy"/> allows (the artifact store or
/// an allowed root, links followed), since a command can come from anywhere on the bus whatever the HTTP API let through;
/// and read once, so data that is refused or does not parse fails the stage before any work.
/// </summary>
public sealed record PipelineInputData(PerfAnalyzerInputData Data, string Path)
{
    /// <returns>The data, or null when the command names none.</returns>
    /// <param name="remedy">What the user can do instead, the last sentence of the failure (e.g. leave it out to use generated inputs).</param>
    /// <exception cref="StageFailedException">The file is outside the allowed places, missing, not local, or not perf_analyzer JSON.</exception>
    public static PipelineInputData? Load(string? inputDataUri, ModelSourcePolicy sources, string remedy)
    {
        if (string.IsNullOrWhiteSpace(inputDataUri))
        {
            return null;
        }

        try
        {
            // The real path, so the file checked is the file read.
            var path = sources.Resolve(inputDataUri, PipelineFileKind.InputData);
            return new PipelineInputData(PerfAnalyzerInputData.Load(path), path);
        }
        catch (Exception e) when (e is ModelSourceException or FileNotFoundException or NotSupportedException or ArgumentException or ArtifactUriException
                                      or InputDataException)
        {
            throw new StageFailedException($"Cannot use the input data '{inputDataUri}': {e.Message.TrimEnd('.')}. {remedy}", e);
        }
    }
}

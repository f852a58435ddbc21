namespace InferencePipeline.ModelAnalyzer.Checkpoints;

/// <summary>A checkpoint file that cannot be used: corrupt, of another format, or written by another run. The message names the file.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null) : Exception($"Checkpoint {path}: {problem}", inner)
{
    public string Path { get; } = path;
}

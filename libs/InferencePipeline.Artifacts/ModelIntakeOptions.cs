namespace InferencePipeline.Artifacts;

/// <summary>
/// Configuration section <c>Pipeline:Models</c>: where a pipeline may read a model from, besides the artifact store.
/// </summary>
public sealed class ModelIntakeOptions
{
    public const string Section = "Pipeline:Models";

    /// <summary>2 GiB: the most a single ONNX (protobuf) file can hold.</summary>
    public const long DefaultMaxUploadBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Directories whose files a pipeline request may name as its model (<c>Pipeline:Models:AllowedRoots:0</c>, ...).
    /// Empty by default: a service reachable over the network reads only models uploaded into the artifact store
    /// (<c>POST /models</c>). The CLI's demo allows the current directory.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>The largest model <c>POST /models</c> takes, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = DefaultMaxUploadBytes;
}

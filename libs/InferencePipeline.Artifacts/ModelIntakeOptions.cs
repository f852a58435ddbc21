namespace InferencePipeline.Artifacts;

/// <summary>
/// Configuration section <c>Pipeline:Models</c>: where a pipeline may read its model and its input data from, besides the
/// artifact store, and how large an upload of either may be.
/// </summary>
public sealed class ModelIntakeOptions
{
    public const string Section = "Pipeline:Models";

    /// <summary>2 GiB: the most a single ONNX (protobuf) file can hold.</summary>
    public const long DefaultMaxUploadBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Directories whose files a pipeline request may name as its model or its input data
    /// (<c>Pipeline:Models:AllowedRoots:0</c>, ...). One list for both: they are the same kind of trust, a directory of
    /// this machine that requests may read. Empty by default: a service reachable over the network reads only files
    /// uploaded into the artifact store (<c>POST /models</c>, <c>POST /input-data</c>). The CLI's demo allows the current
    /// directory and the folders of the built-in models it prepares.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>The largest model <c>POST /models</c> takes, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = DefaultMaxUploadBytes;

    /// <summary>
    /// 256 MiB: input data is JSON that the upload route and every stage parse whole in memory, so its limit is far
    /// below a model's.
    /// </summary>
    public const long DefaultMaxInputDataBytes = 256L * 1024 * 1024;

    /// <summary>The largest input-data file <c>POST /input-data</c> takes, in bytes.</summary>
    public long MaxInputDataBytes { get; set; } = DefaultMaxInputDataBytes;
}

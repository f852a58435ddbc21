namespace InferencePipeline.InferenceServer;

/// <summary>Settings of the embedded inference server (configuration section "InferenceServer").</summary>
public sealed class InferenceServerOptions
{
    public const string SectionName = "InferenceServer";

    /// <summary>Default request size limit: large enough for a batch of BERT inputs, small enough to stop abuse.</summary>
    public const long DefaultMaxRequestBytes = 64L * 1024 * 1024;

    /// <summary>Directory holding <c>&lt;model&gt;/config.pbtxt</c> and <c>&lt;model&gt;/&lt;version&gt;/model.onnx</c>.</summary>
    public string ModelRepository { get; set; } = "";

    public ModelControlMode ControlMode { get; set; } = ModelControlMode.None;

    /// <summary>Models loaded at start in <see cref="ModelControlMode.Explicit"/> mode (Triton's <c>--load-model</c>).</summary>
    public IList<string> LoadModels { get; set; } = new List<string>();

    /// <summary>Triton's default <c>--repository-poll-secs</c>.</summary>
    public static readonly TimeSpan DefaultRepositoryPollInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Time between two scans of the repository in <see cref="ModelControlMode.Poll"/> mode (Triton's
    /// <c>--repository-poll-secs</c>); a TimeSpan so tests can poll more often than once a second.
    /// </summary>
    public TimeSpan RepositoryPollInterval { get; set; } = DefaultRepositoryPollInterval;

    /// <summary>
    /// Triton's <c>--exit-on-error</c> (default true): a model that fails to load while the server starts (mode none,
    /// or poll's first scan) fails the start, so a deployment never comes up silently without a model. False keeps
    /// serving the others and shows the broken one UNAVAILABLE, with its reason, in the repository index.
    /// </summary>
    public bool ExitOnError { get; set; } = true;

    /// <summary>Largest accepted sum of input tensor bytes in one inference request.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;
}

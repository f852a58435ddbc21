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

    /// <summary>
    /// Default queue limit: far above what the profiler's concurrency sweeps (up to 128) or a stream (512 in flight)
    /// queue, and a few MB of requests for a BERT-sized model.
    /// </summary>
    public const int DefaultMaxQueueSize = 1024;

    /// <summary>
    /// Requests a model's queue holds at most when its config sets no <c>dynamic_batching.default_queue_policy.max_queue_size</c>
    /// (a config's own limit wins); a request that finds the queue full is refused with UNAVAILABLE (HTTP 503), as Triton
    /// refuses one over max_queue_size. 0 lets such queues grow without bound, as in Triton.
    /// </summary>
    public int MaxQueueSize { get; set; } = DefaultMaxQueueSize;

    /// <summary>Default for <see cref="MaxInFlightBytes"/>: sixteen requests of the default <see cref="MaxRequestBytes"/>.</summary>
    public const long DefaultMaxInFlightBytes = 1L << 30;

    /// <summary>
    /// Bytes of request bodies the server holds at once, from receiving a request to answering it, over all models and
    /// protocols: the bound on memory under overload when requests are large (queue limits count requests, not bytes).
    /// A request that would pass it is refused with UNAVAILABLE (HTTP 503); one request alone is always let in
    /// (<see cref="MaxRequestBytes"/> bounds it).
    /// </summary>
    public long MaxInFlightBytes { get; set; } = DefaultMaxInFlightBytes;
}

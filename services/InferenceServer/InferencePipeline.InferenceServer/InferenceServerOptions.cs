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

    /// <summary>Largest accepted sum of input tensor bytes in one inference request.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;
}

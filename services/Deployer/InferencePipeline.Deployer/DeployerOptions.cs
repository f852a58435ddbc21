namespace InferencePipeline.Deployer;

/// <summary>Configuration section <c>Pipeline:Deployer</c>.</summary>
public sealed class DeployerOptions
{
    public const string Section = "Pipeline:Deployer";

    /// <summary>
    /// Largest absolute difference allowed between the served model's answer and ONNX Runtime's on the
    /// same input. The served model is the same file run by the same runtime, so anything above float
    /// noise means the server is serving something else (wrong file, wrong input layout).
    /// </summary>
    public double SmokeTolerance { get; set; } = 1e-3;

    /// <summary>How long a loaded model may take to report ModelReady.</summary>
    public TimeSpan ModelReadyTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

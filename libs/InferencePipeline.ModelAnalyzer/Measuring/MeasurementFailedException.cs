namespace InferencePipeline.ModelAnalyzer.Measuring;

/// <summary>
/// A config cannot be served or measured however often it is tried (the server refuses it, every request fails):
/// the message names the config and the server's reason. Transient faults (the server unreachable for a moment)
/// are not wrapped in this; they pass through for the caller to retry.
/// </summary>
public sealed class MeasurementFailedException(string message, string configName, Exception? innerException = null) : Exception(message, innerException)
{
    public string ConfigName { get; } = configName;
}

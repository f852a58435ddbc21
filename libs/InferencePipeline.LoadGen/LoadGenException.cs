namespace InferencePipeline.LoadGen;

/// <summary>
/// A measurement could not produce numbers: every request failed, too many failed, or nothing completed
/// in time. The message carries the target's own error (for gRPC, the server's status detail).
/// </summary>
public sealed class LoadGenException : Exception
{
    public LoadGenException(string message, long requestCount = 0, long errorCount = 0, Exception? innerException = null)
        : base(message, innerException)
    {
        RequestCount = requestCount;
        ErrorCount = errorCount;
    }

    /// <summary>Requests that succeeded in the window that failed the measurement.</summary>
    public long RequestCount { get; }

    /// <summary>Requests that failed in that window.</summary>
    public long ErrorCount { get; }
}

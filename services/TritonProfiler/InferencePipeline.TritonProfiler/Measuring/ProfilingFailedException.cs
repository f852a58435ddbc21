namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// The profile cannot succeed however often it is retried (the server refuses a config, every request of a
/// measurement fails): the consumer turns it into StageFailed with this message.
/// </summary>
public sealed class ProfilingFailedException(string message, Exception? innerException = null) : Exception(message, innerException);

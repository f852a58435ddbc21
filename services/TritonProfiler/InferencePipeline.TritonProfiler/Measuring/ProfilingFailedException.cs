using InferencePipeline.Stages;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// The profile cannot succeed however often it is retried (the server refuses a config, every request of a
/// measurement fails): the stage ends in StageFailed with this message.
/// </summary>
public sealed class ProfilingFailedException(string message, Exception? innerException = null) : StageFailedException(message, innerException);

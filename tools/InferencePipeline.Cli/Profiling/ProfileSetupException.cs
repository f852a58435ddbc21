namespace InferencePipeline.Cli.Profiling;

/// <summary>A profile or analysis that cannot start as configured; the message says what is wrong and what to do.</summary>
public sealed class ProfileSetupException(string message, Exception? inner = null) : Exception(message, inner);

namespace InferencePipeline.Cli.Remote;

/// <summary>The orchestrator could not be reached or refused a request; <see cref="Exception.Message"/> is one line saying what to do.</summary>
public sealed class OrchestratorException(string message, int exitCode = 2) : Exception(message)
{
    /// <summary>What the command exits with: 1 when the answer is about the pipeline (unknown, ended), 2 when about the setup.</summary>
    public int ExitCode { get; } = exitCode;
}

namespace InferencePipeline.Stages;

/// <summary>
/// The command cannot succeed as sent, so retrying will not help: <see cref="StageExecution"/> turns it into one
/// StageFailed whose reason is <see cref="Exception.Message"/>, which must say what is wrong and what to do.
/// Anything else a stage throws is left to the bus's retries.
/// </summary>
public class StageFailedException(string reason, Exception? innerException = null) : Exception(reason, innerException)
{
    /// <summary>Throws when <paramref name="problem"/> (a validator's verdict, null when there is none) says something is wrong.</summary>
    public static void ThrowIfProblem(string? problem)
    {
        if (problem is not null)
        {
            throw new StageFailedException(problem);
        }
    }
}

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// The deployment cannot go ahead as asked (a name Azure refuses, a repository Triton could not load, a config
/// the instance type cannot run); nothing was sent to Azure. The message lists every problem with what to do.
/// </summary>
public sealed class InvalidDeploymentException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1 ? problems[0] : "The deployment cannot go ahead:\n  - " + string.Join("\n  - ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public static void ThrowIfAny(IReadOnlyList<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new InvalidDeploymentException(problems);
        }
    }
}

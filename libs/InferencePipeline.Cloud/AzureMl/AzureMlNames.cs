namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// The names Azure Machine Learning accepts for an online endpoint and for a deployment under it: 3 to 32
/// characters, ASCII letters, digits and '-', starting with a letter and not ending with '-'. The endpoint name
/// also becomes the host name of its scoring URI (<c>&lt;name&gt;.&lt;region&gt;.inference.ml.azure.com</c>), which is
/// why it is this strict. Checked here so a bad name fails before anything is written or sent.
/// </summary>
public static class AzureMlNames
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    private static readonly string Rule =
        $"{MinLength}-{MaxLength} letters, digits or '-', starting with a letter and not ending with '-'";

    /// <summary>What is wrong with an endpoint name, and what a valid one looks like; null when Azure accepts it.</summary>
    public static string? EndpointProblem(string? name) => Problem("endpoint", name);

    /// <summary>What is wrong with a deployment name; null when Azure accepts it.</summary>
    public static string? DeploymentProblem(string? name) => Problem("deployment", name);

    private static string? Problem(string what, string? name) =>
        Reason(name) is { } reason
            ? $"Azure ML would refuse the {what} name '{name}': {reason}. An online {what} name is {Rule} (e.g. 'bert-squad-1')."
            : null;

    private static string? Reason(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length < MinLength)
        {
            return $"it is shorter than {MinLength} characters";
        }

        if (name.Length > MaxLength)
        {
            return $"it is {name.Length} characters long, more than {MaxLength}";
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return "it does not start with a letter";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return $"character '{c}' is not allowed";
            }
        }

        return name[^1] == '-' ? "it ends with '-'" : null;
    }
}

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Model names become directory names in the repository, so they must not escape it ("..", separators) or
/// be awkward on any file system: letters, digits, '_', '-' and '.', at most 128 characters, not "." or "..".
/// </summary>
public static class ModelNames
{
    public const int MaxLength = 128;

    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>Throws ArgumentException saying what is wrong with the name.</summary>
    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem)
        {
            throw new ArgumentException($"invalid model name '{name}': {problem}", nameof(name));
        }
    }

    private static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (name is "." or "..")
        {
            return "it would point outside the model repository";
        }

        foreach (char c in name)
        {
            if (c is '/' or '\\')
            {
                return "it contains a path separator";
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return $"character '{c}' is not allowed (letters, digits, '_', '-', '.')";
            }
        }

        return null;
    }
}

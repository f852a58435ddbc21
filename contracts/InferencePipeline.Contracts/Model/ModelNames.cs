namespace InferencePipeline.Contracts;

/// <summary>
/// The one rule for a model name, checked wherever a name enters or is used: the HTTP API, the CLI, every
/// stage, the repository layout and the inference server. A name becomes a directory of a Triton model
/// repository and the name a server serves, so it must stay inside the repository and be portable: 1 to
/// <see cref="MaxLength"/> ASCII letters, digits, '_', '-' and '.', starting with a letter or digit (no hidden
/// directory, nothing a command line reads as an option) and without "..".
/// </summary>
/// <remarks>
/// It lives with the message records, not with the repository code, because the orchestrator checks names at
/// the front door without depending on the repository's protocol types.
/// </remarks>
public static class ModelNames
{
    /// <summary>
    /// Far below the 255 bytes file systems allow for one name. The profiler names its configs after the model
    /// (<c>&lt;model&gt;_config_ort_tuned</c>) and those names obey this rule too.
    /// </summary>
    public const int MaxLength = 128;

    private static readonly string Rule =
        $"a model name must be 1-{MaxLength} letters, digits, '_', '-' or '.', start with a letter or digit and contain no '..'";

    public static bool IsValid(string? name) => Reason(name) is null;

    /// <summary>What is wrong with <paramref name="name"/> and what a valid one looks like; null when it is valid.</summary>
    public static string? Problem(string? name) =>
        Reason(name) is { } reason ? $"Model name '{name}' cannot be used as a repository directory: {reason}; {Rule}." : null;

    /// <summary>Throws ArgumentException saying what is wrong with the name.</summary>
    public static void Validate(string? name)
    {
        if (Reason(name) is { } reason)
        {
            throw new ArgumentException($"invalid model name '{name}': {reason}", nameof(name));
        }
    }

    /// <summary>
    /// A valid name made from a file name ("BERT squad.v2.onnx" becomes "bert_squad_v2"): the stem in lower
    /// case, every character the rule does not allow (and '.') replaced by '_', leading characters that are not
    /// letters or digits dropped, cut to <see cref="MaxLength"/>; "model" when nothing is left.
    /// </summary>
    public static string FromFileName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        var name = string.Create(stem.Length, stem, static (chars, stem) =>
        {
            for (var i = 0; i < stem.Length; i++)
            {
                chars[i] = char.IsAsciiLetterOrDigit(stem[i]) || stem[i] is '_' or '-' ? stem[i] : '_';
            }
        });
        name = name.TrimStart('_', '-');
        return name.Length == 0 ? "model" : name[..Math.Min(name.Length, MaxLength)];
    }

    private static string? Reason(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\')
            {
                return "it contains a path separator";
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return $"character '{c}' is not allowed";
            }
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return "it does not start with a letter or digit";
        }

        return name.Contains("..", StringComparison.Ordinal) ? "it contains '..'" : null;
    }
}

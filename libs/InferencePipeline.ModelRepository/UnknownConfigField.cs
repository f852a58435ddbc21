namespace InferencePipeline.ModelRepository;

/// <summary>
/// A config.pbtxt field our <c>model_config.proto</c> subset does not declare (Triton's sequence_batching,
/// ensemble_scheduling, batch_input, ...), kept as written so a stage that rewrites the config does not
/// lose what the user wrote.
/// </summary>
/// <param name="Path">
/// The message that holds the field: <c>""</c> for the top level, else field names joined by '.', with
/// <c>[index]</c> for an element of a repeated message (<c>instance_group[1]</c>) and <c>[key]</c>, the key as
/// text format writes it, for a map value (<c>model_warmup[0].inputs["INPUT0"]</c>).
/// </param>
/// <param name="Name">The field name.</param>
/// <param name="Text">The whole field exactly as written, from its name to the end of its value (nested blocks and comments included).</param>
/// <param name="Line">1-based line of the field name.</param>
/// <param name="Column">1-based column of the field name; the writer re-indents continuation lines relative to it.</param>
public sealed record UnknownConfigField(string Path, string Name, string Text, int Line, int Column)
{
    /// <summary>Path and name together, e.g. <c>instance_group[1].rate_limiter_v2</c>, for messages.</summary>
    public string FullName => Path.Length == 0 ? Name : $"{Path}.{Name}";
}

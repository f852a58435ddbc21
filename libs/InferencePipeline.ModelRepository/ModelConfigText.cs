using Inference;
using InferencePipeline.ModelRepository.TextFormat;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Triton's config.pbtxt: the protobuf text format of <see cref="ModelConfig"/>.
/// <see cref="Format(ModelConfig)"/> writes what <see cref="Parse(string)"/> reads back equal (round trip), and
/// <see cref="Format(ModelConfigDocument)"/> what <see cref="ParseDocument(string, string)"/> reads back equal,
/// unknown fields and comments included.
/// </summary>
public static class ModelConfigText
{
    public const string DefaultSource = "config.pbtxt";

    /// <summary>
    /// Parses config.pbtxt text; throws <see cref="ModelConfigFormatException"/> naming line, column and problem.
    /// A field our ModelConfig does not declare is an error here, because a bare ModelConfig could not carry it
    /// and it would be lost; use <see cref="ParseDocument(string, string)"/> to keep such fields.
    /// </summary>
    public static ModelConfig Parse(string text) => Parse(text, DefaultSource);

    /// <param name="text">The file content.</param>
    /// <param name="source">What to call the input in error messages (usually the file path).</param>
    public static ModelConfig Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var config = new ModelConfig();
        ProtoTextParser.Merge(text, source, config);
        return config;
    }

    /// <summary>
    /// Parses config.pbtxt text, keeping fields our ModelConfig does not declare (Triton's sequence_batching,
    /// ensemble_scheduling, ...) as written, and the comments with the fields they explain. Malformed text,
    /// unknown values included, still throws <see cref="ModelConfigFormatException"/> naming line, column and problem.
    /// </summary>
    public static ModelConfigDocument ParseDocument(string text, string source = DefaultSource)
    {
        ArgumentNullException.ThrowIfNull(text);
        var config = new ModelConfig();
        var (unknown, comments) = ProtoTextParser.MergeKeepingUnknown(text, source, config);
        if (SchedulingChoice.FindConflict(config, unknown) is { } conflict)
        {
            throw new ModelConfigFormatException(source, conflict.Line, conflict.Column, SchedulingChoice.Describe(conflict));
        }

        return new ModelConfigDocument(config, unknown, comments);
    }

    /// <summary>Writes the config in Triton's usual text layout (only fields that are set).</summary>
    public static string Format(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ProtoTextWriter.Write(config);
    }

    /// <summary>
    /// Writes the config as <see cref="Format(ModelConfig)"/> does, each unknown field at the end of the block
    /// that held it, each comment at its field (left out when the config no longer writes that field).
    /// </summary>
    /// <exception cref="InvalidOperationException">An unknown field's block is missing from the config (see
    /// <see cref="ModelConfigDocument.WithConfig"/>), or an unknown scheduling choice clashes with dynamic_batching.</exception>
    public static string Format(ModelConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (SchedulingChoice.FindConflict(document.Config, document.UnknownFields) is { } conflict)
        {
            throw new InvalidOperationException($"Cannot write config '{document.Config.Name}': {SchedulingChoice.Describe(conflict)}.");
        }

        return ProtoTextWriter.Write(document.Config, document.UnknownFields, document.Comments);
    }
}

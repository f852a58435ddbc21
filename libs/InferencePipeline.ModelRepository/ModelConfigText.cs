using Inference;
using InferencePipeline.ModelRepository.TextFormat;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Triton's config.pbtxt: the protobuf text format of <see cref="ModelConfig"/>.
/// <see cref="Format"/> writes what <see cref="Parse(string)"/> reads back equal (round trip).
/// </summary>
public static class ModelConfigText
{
    /// <summary>Parses config.pbtxt text; throws <see cref="ModelConfigFormatException"/> naming line, column and problem.</summary>
    public static ModelConfig Parse(string text) => Parse(text, "config.pbtxt");

    /// <param name="text">The file content.</param>
    /// <param name="source">What to call the input in error messages (usually the file path).</param>
    public static ModelConfig Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var config = new ModelConfig();
        ProtoTextParser.Merge(text, source, config);
        return config;
    }

    /// <summary>Writes the config in Triton's usual text layout (only fields that are set).</summary>
    public static string Format(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ProtoTextWriter.Write(config);
    }
}

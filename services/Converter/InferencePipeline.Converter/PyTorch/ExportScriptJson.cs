using System.Text.Json;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>The JSON spelling shared with the export script: snake_case, as Python writes it.</summary>
public static class ExportScriptJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}

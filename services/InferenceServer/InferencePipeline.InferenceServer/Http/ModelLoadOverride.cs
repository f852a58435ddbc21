using System.Text.Json;
using Google.Protobuf;
using Inference;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Triton's REST load body: <c>{"parameters": {"config": "&lt;ModelConfig JSON&gt;"}}</c> replaces config.pbtxt for
/// this load, as the gRPC "config" repository parameter does.
/// </summary>
internal static class ModelLoadOverride
{
    private static readonly JsonParser ConfigParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static ModelConfig? FromLoadBody(string modelName, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object
            || !parameters.TryGetProperty("config", out var config))
        {
            return null;
        }
        if (config.ValueKind != JsonValueKind.String)
        {
            throw InferenceException.Invalid($"the 'config' parameter for model '{modelName}' must be a string holding ModelConfig JSON");
        }
        try
        {
            return ConfigParser.Parse<ModelConfig>(config.GetString()!);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw InferenceException.Invalid($"the 'config' parameter for model '{modelName}' is not valid ModelConfig JSON: {e.Message}");
        }
    }
}

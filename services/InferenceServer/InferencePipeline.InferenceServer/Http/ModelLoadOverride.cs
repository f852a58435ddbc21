using System.Text.Json;
using Inference;
using InferencePipeline.InferenceServer.Repository;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Triton's REST load body: <c>{"parameters": {"config": "&lt;ModelConfig JSON&gt;"}}</c> replaces config.pbtxt for
/// this load, as the gRPC "config" repository parameter does.
/// </summary>
internal static class ModelLoadOverride
{
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
            throw ModelControl.NotAString(modelName);
        }

        return ModelControl.ParseOverride(modelName, config.GetString()!);
    }
}

using System.Text.Json;
using InferencePipeline.InferenceServer.Repository;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Triton's REST load body, <c>{"parameters": {"config": "&lt;ModelConfig JSON&gt;", "file:1/model.onnx": "&lt;base64&gt;"}}</c>,
/// taken off its JSON form and handed to <see cref="ModelLoadParameters"/>, which applies the same rules as for gRPC.
/// </summary>
internal static class ModelLoadOverride
{
    public static ModelOverride? FromLoadBody(string modelName, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("parameters", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var parameters = new ModelLoadParameters(modelName);
        foreach (var parameter in values.EnumerateObject())
        {
            if (parameter.Name == ModelLoadParameters.ConfigParameter)
            {
                parameters.AddConfig(parameter.Value.ValueKind == JsonValueKind.String
                    ? parameter.Value.GetString()!
                    : throw ModelControl.NotAString(modelName));
            }
            else if (ModelLoadParameters.IsFile(parameter.Name))
            {
                // JSON has no bytes: Triton's REST API carries file content base64-encoded.
                if (parameter.Value.ValueKind != JsonValueKind.String || !parameter.Value.TryGetBytesFromBase64(out var content))
                {
                    throw ModelControl.FileNotBytes(modelName, parameter.Name, "a base64 string");
                }
                parameters.AddFile(parameter.Name, content);
            }
        }
        return parameters.Build();
    }
}

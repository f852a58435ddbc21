using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// The rules of explicit model control that gRPC and REST share: load/unload only in explicit mode (in poll
/// mode the repository's contents decide, in none mode the start-up does), and the parsing of Triton's
/// "config" override (the whole ModelConfig as JSON); <see cref="ModelLoadParameters"/> builds the rest.
/// </summary>
internal static class ModelControl
{
    public const string OverrideConfigParameter = "config";

    private static readonly JsonParser ConfigParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static void RequireExplicitMode(InferenceServerOptions options)
    {
        if (options.ControlMode != ModelControlMode.Explicit)
        {
            throw new InferenceException(StatusCode.Unavailable,
                "explicit model load / unload is not allowed if model control mode is not 'explicit'");
        }
    }

    public static ModelConfig ParseOverride(string modelName, string json)
    {
        try
        {
            return ConfigParser.Parse<ModelConfig>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw InferenceException.Invalid($"the '{OverrideConfigParameter}' parameter for model '{modelName}' is not valid ModelConfig JSON: {e.Message}");
        }
    }

    public static InferenceException NotAString(string modelName) =>
        InferenceException.Invalid($"the '{OverrideConfigParameter}' parameter for model '{modelName}' must be a string holding ModelConfig JSON");

    public static InferenceException FileNotBytes(string modelName, string key, string expected) =>
        InferenceException.Invalid($"the '{key}' parameter for model '{modelName}' must be {expected} holding the file's content");
}

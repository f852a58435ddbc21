using Grpc.Core;

namespace InferencePipeline.InferenceServer;

/// <summary>
/// A request the server refuses or could not serve. The status code is the gRPC one because that is the
/// primary protocol; the REST surface maps it to an HTTP status.
/// </summary>
public sealed class InferenceException(StatusCode code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public StatusCode Code { get; } = code;

    public static InferenceException UnknownModel(string name, string? version = null) =>
        new(StatusCode.NotFound, string.IsNullOrEmpty(version)
            ? $"Request for unknown model: '{name}' is not found"
            : $"Request for unknown model: '{name}' version {version} is not found");

    /// <summary>Triton's answer for a version the model's last load tried but could not bring up.</summary>
    public static InferenceException NotReady(string name, string version) =>
        new(StatusCode.Unavailable, $"Request for unknown model: '{name}' version {version} is not at ready state");

    /// <summary>Triton's answer for a model whose last load left no version serving.</summary>
    public static InferenceException NoAvailableVersions(string name) =>
        new(StatusCode.NotFound, $"Request for unknown model: '{name}' has no available versions");

    public static InferenceException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}

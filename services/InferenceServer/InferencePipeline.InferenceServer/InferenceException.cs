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

    public static InferenceException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}

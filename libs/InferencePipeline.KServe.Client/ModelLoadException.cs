using Grpc.Core;

namespace InferencePipeline.KServe.Client;

/// <summary>
/// The inference server would not serve a model: it refused the load (<see cref="Refusal"/> carries its
/// status and reason) or the model loaded but never reported ready. Retrying does not help; the message
/// names the model and the server's reason so a stage can pass it to the user as it is.
/// </summary>
public sealed class ModelLoadException(string message, string model, Status? refusal, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The repository entry that was loaded.</summary>
    public string Model { get; } = model;

    /// <summary>The server's answer to the load when it refused it; null when it loaded but never became ready.</summary>
    public Status? Refusal { get; } = refusal;
}

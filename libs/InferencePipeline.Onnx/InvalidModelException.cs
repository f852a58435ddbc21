namespace InferencePipeline.Onnx;

/// <summary>A model file that is missing, not ONNX, corrupt, or that ONNX Runtime cannot load; the message names the file and the cause.</summary>
public sealed class InvalidModelException : Exception
{
    /// <param name="remedyIncluded">
    /// True when the message already says what to do (re-save with external data beside the model, export at
    /// another opset), so a caller adds no generic advice of its own.
    /// </param>
    public InvalidModelException(string modelPath, string message, Exception? inner = null, bool remedyIncluded = false)
        : base(message, inner)
    {
        ModelPath = modelPath;
        RemedyIncluded = remedyIncluded;
    }

    public string ModelPath { get; }

    public bool RemedyIncluded { get; }
}

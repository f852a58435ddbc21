namespace InferencePipeline.Onnx;

/// <summary>A model file that is missing, not ONNX, corrupt, or that ONNX Runtime cannot load; the message names the file and the cause.</summary>
public sealed class InvalidModelException : Exception
{
    public InvalidModelException(string modelPath, string message, Exception? inner = null)
        : base(message, inner)
    {
        ModelPath = modelPath;
    }

    public string ModelPath { get; }
}

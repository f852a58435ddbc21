namespace InferencePipeline.Contracts;

/// <summary>What the model file given to <see cref="StartPipeline"/> is; <c>Auto</c> decides by extension.</summary>
public enum ModelFormat
{
    Auto = 0,
    Onnx = 1,
    TorchScript = 2,
    PyTorch = 3,
}

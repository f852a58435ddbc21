using InferencePipeline.Contracts;

namespace InferencePipeline.Converter;

/// <summary>What the converter makes of the request's format and file name.</summary>
public static class ModelFormatDecision
{
    /// <summary>The format the file is in: the request's, or for Auto the one its extension says (null when it says nothing).</summary>
    public static ModelFormat? Resolve(ModelFormat requested, string modelUri)
    {
        if (requested != ModelFormat.Auto)
        {
            return requested;
        }

        var extension = Path.GetExtension(modelUri.TrimEnd('/')).ToLowerInvariant();
        return extension switch
        {
            ".onnx" => ModelFormat.Onnx,
            ".pt" or ".ts" or ".torchscript" => ModelFormat.TorchScript,
            ".pth" => ModelFormat.PyTorch,
            _ => null,
        };
    }
}

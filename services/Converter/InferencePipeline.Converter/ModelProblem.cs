using InferencePipeline.Onnx;

namespace InferencePipeline.Converter;

/// <summary>What the converter (stage or <c>inferpipe convert</c>) tells the user about an ONNX file it refuses.</summary>
public static class ModelProblem
{
    /// <summary>The inspector's message, with the usual fix added where the message does not carry its own.</summary>
    public static string Describe(InvalidModelException e) =>
        e.RemedyIncluded ? e.Message : $"{e.Message.TrimEnd('.', ' ')}. Re-export the model to ONNX and check that the file was copied whole.";
}

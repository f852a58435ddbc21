using Inference;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// A REST infer request turned into the gRPC-shaped request the shared request path runs, plus how the
/// client wants each output back (JSON "data" or binary bytes after the JSON header).
/// </summary>
internal sealed record RestInferRequest(ModelInferRequest Request, bool AllOutputsBinary, IReadOnlyList<string> BinaryOutputs)
{
    public bool IsBinary(string outputName)
    {
        if (AllOutputsBinary)
        {
            return true;
        }
        for (var i = 0; i < BinaryOutputs.Count; i++)
        {
            if (string.Equals(BinaryOutputs[i], outputName, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}

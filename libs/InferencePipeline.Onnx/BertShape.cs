namespace InferencePipeline.Onnx;

/// <summary>
/// Size of the demo BERT model. The default (2 layers, hidden 64) runs in about a millisecond per sequence of
/// 256 tokens on one CPU core: big enough that batching and threads matter, small enough for CI.
/// </summary>
public sealed record BertShape(
    int Layers = 2,
    int Hidden = 64,
    int Heads = 2,
    int Intermediate = 256,
    int Vocab = 1000,
    int SequenceLength = 256)
{
    public static BertShape Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Hidden, 1, nameof(Hidden));
        ArgumentOutOfRangeException.ThrowIfLessThan(Heads, 1, nameof(Heads));
        ArgumentOutOfRangeException.ThrowIfLessThan(Intermediate, 1, nameof(Intermediate));
        ArgumentOutOfRangeException.ThrowIfLessThan(Vocab, 2, nameof(Vocab));
        ArgumentOutOfRangeException.ThrowIfLessThan(SequenceLength, 1, nameof(SequenceLength));
        if (Hidden % Heads != 0)
        {
            throw new ArgumentException($"Hidden ({Hidden}) must be a multiple of Heads ({Heads})");
        }
    }
}

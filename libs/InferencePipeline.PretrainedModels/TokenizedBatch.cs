using System.Runtime.InteropServices;
using InferencePipeline.Onnx;

namespace InferencePipeline.PretrainedModels;

/// <summary>
/// BERT inputs for <see cref="BatchSize"/> sentences of <see cref="SequenceLength"/> tokens each, row-major
/// [batch, sequence]: token ids, attention mask (1 for real tokens, 0 for padding) and token type ids.
/// </summary>
public sealed record TokenizedBatch(int BatchSize, int SequenceLength, long[] InputIds, long[] AttentionMask, long[] TokenTypeIds)
{
    /// <summary>Number of real (unpadded) tokens in row <paramref name="row"/>.</summary>
    public int TokenCount(int row)
    {
        int count = 0;
        foreach (long flag in AttentionMask.AsSpan(row * SequenceLength, SequenceLength))
        {
            count += (int)flag;
        }

        return count;
    }

    /// <summary>Rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 as a batch of their own.</summary>
    public TokenizedBatch Rows(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (start + count > BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {start}..{start + count - 1} are outside a batch of {BatchSize}");
        }

        var range = new Range(start * SequenceLength, (start + count) * SequenceLength);
        return new TokenizedBatch(count, SequenceLength, InputIds[range], AttentionMask[range], TokenTypeIds[range]);
    }

    /// <summary>The three inputs as raw INT64 tensors, under the model's input names.</summary>
    public IReadOnlyList<RawInputTensor> ToRawInputs(
        string inputIds = MiniLmModel.InputIds, string attentionMask = MiniLmModel.AttentionMask, string tokenTypeIds = MiniLmModel.TokenTypeIds)
    {
        long[] shape = [BatchSize, SequenceLength];
        return
        [
            new RawInputTensor(inputIds, "INT64", shape, MemoryMarshal.AsBytes(InputIds.AsSpan()).ToArray()),
            new RawInputTensor(attentionMask, "INT64", shape, MemoryMarshal.AsBytes(AttentionMask.AsSpan()).ToArray()),
            new RawInputTensor(tokenTypeIds, "INT64", shape, MemoryMarshal.AsBytes(TokenTypeIds.AsSpan()).ToArray()),
        ];
    }
}

namespace InferencePipeline.PretrainedModels;

/// <summary>
/// Sentence embeddings the way sentence-transformers makes them from an encoder's token states: the mean of the
/// hidden states of the real tokens (attention mask 1), padding left out.
/// </summary>
public static class MeanPooling
{
    /// <param name="lastHiddenState">The encoder's [batch, sequence, hidden] output for <paramref name="batch"/>.</param>
    public static float[] Embedding(ReadOnlySpan<float> lastHiddenState, TokenizedBatch batch, int row)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, batch.BatchSize);
        int positions = batch.BatchSize * batch.SequenceLength;
        if (lastHiddenState.Length % positions != 0)
        {
            throw new ArgumentException($"{lastHiddenState.Length} values are not [{batch.BatchSize}, {batch.SequenceLength}, hidden]", nameof(lastHiddenState));
        }

        int hidden = lastHiddenState.Length / positions;
        var sum = new double[hidden];
        int count = 0;
        for (int t = 0; t < batch.SequenceLength; t++)
        {
            int position = row * batch.SequenceLength + t;
            if (batch.AttentionMask[position] == 0)
            {
                continue;
            }

            count++;
            var state = lastHiddenState.Slice(position * hidden, hidden);
            for (int j = 0; j < hidden; j++)
            {
                sum[j] += state[j];
            }
        }

        var embedding = new float[hidden];
        for (int j = 0; j < hidden && count > 0; j++)
        {
            embedding[j] = (float)(sum[j] / count);
        }

        return embedding;
    }
}

namespace InferencePipeline.Onnx;

/// <summary>How a candidate's output is judged against the fp32 reference; <see cref="AccuracyCriteria.MetricFor"/> picks one per output.</summary>
public enum AccuracyMetric
{
    /// <summary>Mean cosine similarity of the vectors along the last axis (embeddings, hidden states, logits).</summary>
    Cosine,

    /// <summary>Share of vectors along the last axis whose argmax is unchanged (start/end position logits).</summary>
    ArgmaxAgreement,

    /// <summary>Share of elements that are exactly equal (integer and boolean outputs).</summary>
    ExactAgreement,

    /// <summary>Largest absolute difference relative to the reference's largest magnitude (scalars, single values per sample).</summary>
    RelativeMaxAbsDiff,
}

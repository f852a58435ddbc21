namespace InferencePipeline.Converter;

/// <summary>Configuration section <c>Pipeline:Converter</c>.</summary>
public sealed class ConverterOptions
{
    public const string Section = "Pipeline:Converter";

    /// <summary>
    /// max_batch_size of the default config when every input and output has a dynamic first dimension.
    /// 16 is the largest preferred batch of the seed's search (1, 2, 4, 8, 16), so the baseline entry accepts
    /// every batch the profiler will try; a fixed first dimension gets 0 (the model does not batch).
    /// </summary>
    public int DynamicMaxBatchSize { get; set; } = 16;
}

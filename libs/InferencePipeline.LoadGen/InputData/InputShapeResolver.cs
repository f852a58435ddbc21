namespace InferencePipeline.LoadGen;

/// <summary>
/// Turns a model input's declared shape into the concrete shape of one request, like perf_analyzer:
/// the batch dimension becomes the batch size, and every other dynamic (-1) dimension must come from a
/// <c>shapes</c> override (perf_analyzer --shape name:d1,d2), given without the batch dimension.
/// </summary>
public static class InputShapeResolver
{
    /// <param name="name">Input name, used to look up the override and in error messages.</param>
    /// <param name="declared">Shape as declared; includes the batch dimension when <paramref name="hasBatchDimension"/>.</param>
    /// <param name="hasBatchDimension">Whether the first dimension is the batch (Triton: max_batch_size &gt; 0).</param>
    /// <param name="batchSize">Requested batch size.</param>
    /// <param name="shapes">Overrides: input name → dimensions without the batch dimension.</param>
    public static long[] Resolve(
        string name,
        IReadOnlyList<long> declared,
        bool hasBatchDimension,
        int batchSize,
        IReadOnlyDictionary<string, long[]>? shapes)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!hasBatchDimension && batchSize != 1)
        {
            throw new ArgumentException(
                $"Input '{name}' has no batch dimension (the model does not batch), so batch size {batchSize} cannot be sent; use 1.",
                nameof(batchSize));
        }

        if (hasBatchDimension && declared.Count == 0)
        {
            throw new ArgumentException($"Input '{name}' is declared with no dimensions but the model batches.", nameof(declared));
        }

        var inner = hasBatchDimension ? declared.Skip(1).ToArray() : declared.ToArray();
        if (shapes is not null && shapes.TryGetValue(name, out var overrideDims))
        {
            if (overrideDims.Length != inner.Length)
            {
                throw new ArgumentException(
                    $"Shape override for input '{name}' has {overrideDims.Length} dimensions, the model declares {inner.Length} " +
                    $"(without the batch dimension): [{string.Join(", ", inner)}].",
                    nameof(shapes));
            }

            for (var i = 0; i < inner.Length; i++)
            {
                if (overrideDims[i] <= 0)
                {
                    throw new ArgumentException($"Shape override for input '{name}' has a non-positive dimension {overrideDims[i]}.", nameof(shapes));
                }

                if (inner[i] >= 0 && inner[i] != overrideDims[i])
                {
                    throw new ArgumentException(
                        $"Shape override for input '{name}' sets dimension {i} to {overrideDims[i]} but the model fixes it at {inner[i]}.",
                        nameof(shapes));
                }
            }

            inner = overrideDims.ToArray();
        }

        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] < 0)
            {
                throw new ArgumentException(
                    $"Input '{name}' has a dynamic dimension {i} ([{string.Join(", ", inner)}] without batch); " +
                    "give its size in the shapes override (like perf_analyzer --shape).",
                    nameof(shapes));
            }
        }

        if (!hasBatchDimension)
        {
            return inner;
        }

        if (declared[0] >= 0 && declared[0] != batchSize)
        {
            throw new ArgumentException(
                $"Input '{name}' fixes its first dimension at {declared[0]}, so batch size {batchSize} cannot be sent.",
                nameof(batchSize));
        }

        return [batchSize, .. inner];
    }
}

using InferencePipeline.Contracts;

namespace InferencePipeline.TritonProfiler.Measuring;

/// <summary>
/// perf_analyzer's <c>--shape</c> from the pipeline's input specs: the concrete sizes the user gave for
/// dims the model leaves dynamic (the seed's BERT: [-1, 256] on a model whose sequence axis is dynamic).
/// </summary>
public static class InputShapes
{
    /// <returns>Input name → dims without the batch dim, for every spec whose remaining dims are all concrete.</returns>
    public static IReadOnlyDictionary<string, long[]>? From(IReadOnlyList<TensorSpec>? inputs, bool hasBatchDimension)
    {
        if (inputs is null || inputs.Count == 0)
        {
            return null;
        }

        var shapes = new Dictionary<string, long[]>();
        foreach (var input in inputs)
        {
            var inner = (hasBatchDimension ? input.Shape.Skip(1) : input.Shape).ToArray();
            if (inner.All(d => d > 0))
            {
                shapes[input.Name] = inner;
            }
        }

        return shapes.Count == 0 ? null : shapes;
    }
}

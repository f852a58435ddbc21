using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.LoadGen;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// The inputs a tuning times and judges at: the declared ones (the pipeline request's, as the converter passed them on)
/// or the model's own, with every dimension concrete but the batch. An open dimension gets its size from, in order,
/// a <c>--shape NAME:D1,...</c> override (sizes without the batch dimension, as perf_analyzer takes them), the first step
/// of the real input data (its "shape", or its element count when one dimension is open), and fails otherwise, naming
/// each open input and the ways to size it. The served config keeps the model's open dimensions; only measurement needs sizes.
/// </summary>
public static class TuningInputs
{
    public static IReadOnlyList<TensorSpec> Resolve(
        IReadOnlyList<TensorSpec> declared,
        IReadOnlyList<TensorSpec> model,
        IReadOnlyDictionary<string, long[]>? shapes = null,
        PerfAnalyzerInputData? data = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var inputs = declared is { Count: > 0 } ? declared : model;
        var unknown = inputs.Select(i => i.Name).Concat(shapes?.Keys ?? []).Where(n => model.All(m => m.Name != n)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new OrtTuningException(
                $"Input(s) {string.Join(", ", unknown)} are not inputs of the model (its inputs: {string.Join(", ", model.Select(i => i.Name))}); " +
                "name the model's inputs.");
        }

        var resolved = new List<TensorSpec>(inputs.Count);
        var open = new List<string>();
        foreach (var input in inputs)
        {
            var own = model.First(m => m.Name == input.Name);
            bool batches = own.Shape.Count > 0 && own.Shape[0] < 0;
            var dims = input.Shape.ToArray();
            if (dims.Length != own.Shape.Count)
            {
                throw new OrtTuningException(
                    $"Input '{input.Name}' is declared with {dims.Length} dimensions [{string.Join(", ", dims)}] but the model's has {own.Shape.Count} " +
                    $"[{string.Join(", ", own.Shape)}]; declare its shape as the model has it (-1 for a dimension to size).");
            }

            if (batches)
            {
                dims[0] = -1;
            }

            int first = batches ? 1 : 0;
            if (shapes is not null && shapes.TryGetValue(input.Name, out var sizes))
            {
                Fill(dims, first, sizes, input.Name, "--shape");
            }

            if (dims.Skip(first).Any(d => d < 0) && data?.Steps[0].Tensors.TryGetValue(input.Name, out var step) == true)
            {
                if (step.Shape is { } stepShape)
                {
                    Fill(dims, first, stepShape, input.Name, "the input data's first step");
                }
                else if (dims.Skip(first).Count(d => d < 0) == 1 && ElementCount(step, input.DataType) is { } count)
                {
                    long known = dims.Skip(first).Where(d => d >= 0).Aggregate(1L, (a, d) => a * d);
                    if (known > 0 && count % known == 0)
                    {
                        dims[Array.FindIndex(dims, first, d => d < 0)] = count / known;
                    }
                }
            }

            if (dims.Skip(first).Any(d => d < 0))
            {
                open.Add($"{input.Name} [{string.Join(", ", dims)}]");
            }

            resolved.Add(input with { Shape = dims });
        }

        if (open.Count > 0)
        {
            throw new OrtTuningException(
                $"Input(s) {string.Join(", ", open.Select(o => o[..o.IndexOf(' ')]))} have dynamic dimensions besides the batch ({string.Join("; ", open)}); " +
                "declare the sizes to tune at: --shape NAME:D1,... without the batch dimension (inferpipe), Inputs with the sizes " +
                "(e.g. [-1, 128]) in the pipeline request, or real inputs with their shapes (--input-data, InputDataUri).");
        }

        return resolved;
    }

    private static void Fill(long[] dims, int first, long[] sizes, string name, string source)
    {
        if (sizes.Length != dims.Length - first)
        {
            throw new OrtTuningException(
                $"{source} gives input '{name}' {sizes.Length} dimensions [{string.Join(", ", sizes)}], but it has {dims.Length - first} besides the batch " +
                $"(model: [{string.Join(", ", dims)}]); give one size per dimension, without the batch dimension.");
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            long current = dims[first + i];
            if (sizes[i] <= 0 || current >= 0 && current != sizes[i])
            {
                throw new OrtTuningException(
                    $"{source} sets dimension {first + i} of input '{name}' to {sizes[i]}, but the model fixes it at {current} (shape [{string.Join(", ", dims)}]); " +
                    "sizes must be positive and match the model's fixed dimensions.");
            }

            dims[first + i] = sizes[i];
        }
    }

    private static long? ElementCount(InputDataTensor tensor, string dataType)
    {
        if (tensor.Values is { } values)
        {
            return values.Count;
        }

        int size = TensorDataType.FromAnySpelling(dataType)?.ElementSize ?? 0;
        return tensor.RawBytes is { } bytes && size > 0 ? bytes.Length / size : null;
    }
}

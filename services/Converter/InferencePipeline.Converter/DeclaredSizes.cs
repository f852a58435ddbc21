using InferencePipeline.Contracts;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.KServe;
using InferencePipeline.Onnx;

namespace InferencePipeline.Converter;

/// <summary>
/// Merges the sizes a request declares into the model's own signature, giving the inputs every later stage
/// measures at (<see cref="ModelConverted.Inputs"/>): the model's dim where it fixes one, the declared size where
/// it leaves one open, and -1 only for the batch dim of a model that batches. Dims still open afterwards are
/// returned, for the converter to refuse with a message naming each.
/// </summary>
public static class DeclaredSizes
{
    /// <summary>The size the fix-it message suggests for an open dim; the user knows the real one.</summary>
    private const long ExampleSize = 128;

    public sealed record Merged(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<OpenDimension> Open);

    /// <param name="declared">The request's inputs (any subset of the model's, matched by name; checked by <see cref="SignatureCheck"/> first).</param>
    /// <param name="batches">Whether the model batches (max_batch_size &gt; 0): its first dim is then the batch, always -1.</param>
    public static Merged Merge(OnnxModelInfo model, IReadOnlyList<TensorSpec> declared, bool batches)
    {
        var byName = declared.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var inputs = new List<TensorSpec>(model.Inputs.Count);
        var open = new List<OpenDimension>();
        foreach (var input in model.Inputs)
        {
            var sizes = byName.TryGetValue(input.Name, out var spec) && spec.Shape.Count == input.Shape.Count ? spec.Shape : null;
            var shape = new long[input.Shape.Count];
            for (int axis = 0; axis < shape.Length; axis++)
            {
                long own = input.Shape[axis];
                if (own >= 0)
                {
                    shape[axis] = own;
                }
                else if (axis == 0 && batches)
                {
                    shape[axis] = -1;
                }
                else if (sizes is not null && sizes[axis] > 0)
                {
                    shape[axis] = sizes[axis];
                }
                else
                {
                    shape[axis] = -1;
                    open.Add(new OpenDimension(input.Name, axis, model.DimName(input.Name, axis)));
                }
            }

            inputs.Add(input with { Shape = shape });
        }

        return new Merged(inputs, open);
    }

    /// <summary>
    /// The declared tensors with their datatypes in KServe's spelling, whatever spelling the request used
    /// (<c>int64</c>, <c>TYPE_INT64</c>, <c>torch.float32</c>), so that comparing with the model compares types,
    /// not words. An unknown spelling is kept as given and reported by the signature check.
    /// </summary>
    public static IReadOnlyList<TensorSpec> NormalizeTypes(IReadOnlyList<TensorSpec> declared) =>
        declared.Select(d => d with { DataType = Normalize(d.DataType) }).ToList();

    /// <summary>
    /// Why the pipeline cannot measure the model yet, naming each open dimension and the flags that give it a
    /// size (perf_analyzer's <c>--shape</c> on the CLI, <c>inputs</c> in the HTTP request).
    /// </summary>
    public static string Problem(string modelUri, Merged merged, bool batches)
    {
        var inputs = merged.Open.Select(o => o.Input).Distinct().Select(name => merged.Inputs.First(i => i.Name == name)).ToList();
        string Example(TensorSpec input, bool withBatch) =>
            string.Join(",", input.Shape.Select((d, axis) => axis == 0 && batches ? (withBatch ? "-1" : null) : d < 0 ? ExampleSize.ToString() : d.ToString())
                .Where(d => d is not null));
        string cli = string.Join(" ", inputs.Select(i => $"--shape {i.Name}:{Example(i, withBatch: false)}"));
        string api = string.Join(", ", inputs.Select(i => $"{{\"name\":\"{i.Name}\",\"dataType\":\"{i.DataType}\",\"shape\":[{Example(i, withBatch: true)}]}}"));
        return $"'{modelUri}' leaves {(merged.Open.Count == 1 ? "a dimension" : "dimensions")} open besides the batch, and the request gives no size to " +
               $"measure at for {string.Join(", ", merged.Open)}. Give each a size (e.g. the sequence length or image size you serve): " +
               $"CLI {cli}; HTTP API \"inputs\": [{api}]. The served config.pbtxt keeps these dimensions dynamic (-1); " +
               "the sizes are what the tuner, profiler and deployer send.";
    }

    private static string Normalize(string dataType) =>
        PyTorchDataTypes.TryNormalize(dataType, out var kserve) ? kserve
        : TensorDataType.FromAnySpelling(dataType ?? "")?.Name ?? dataType ?? "";
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.Onnx;

/// <summary>Session outputs as float arrays by name, whatever their numeric type, for <see cref="OutputComparer"/>.</summary>
public static class OnnxOutputs
{
    public static Dictionary<string, float[]> ToFloatArrays(IEnumerable<NamedOnnxValue> outputs)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            result[output.Name] = output.Value switch
            {
                Tensor<float> t => t.ToArray(),
                Tensor<Float16> t => t.Select(v => v.ToFloat()).ToArray(),
                Tensor<double> t => t.Select(v => (float)v).ToArray(),
                Tensor<long> t => t.Select(v => (float)v).ToArray(),
                Tensor<int> t => t.Select(v => (float)v).ToArray(),
                Tensor<bool> t => t.Select(v => v ? 1f : 0f).ToArray(),
                var other => throw new NotSupportedException($"output '{output.Name}' of type {other?.GetType().Name ?? "null"} cannot be compared as floats"),
            };
        }

        return result;
    }

    /// <summary>Floats of native outputs (as returned by the OrtValue Run overloads), paired with their names.</summary>
    public static Dictionary<string, float[]> ToFloatArrays(IReadOnlyList<string> names, IReadOnlyList<OrtValue> values)
    {
        if (names.Count != values.Count)
        {
            throw new ArgumentException($"{names.Count} names for {values.Count} values");
        }

        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            var value = values[i];
            result[names[i]] = value.GetTensorTypeAndShape().ElementDataType switch
            {
                TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
                TensorElementType.Float16 => value.GetTensorDataAsSpan<Float16>().ToArray().Select(v => v.ToFloat()).ToArray(),
                TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray().Select(v => (float)v).ToArray(),
                TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v).ToArray(),
                TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray().Select(v => (float)v).ToArray(),
                var other => throw new NotSupportedException($"output '{names[i]}' of type {other} cannot be compared as floats"),
            };
        }

        return result;
    }
}

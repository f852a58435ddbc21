using InferencePipeline.KServe;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// The input datatypes a PyTorch export accepts, in the spellings users bring: KServe (<c>INT64</c>), Triton
/// (<c>TYPE_INT64</c>), ONNX (<c>FLOAT</c>) and torch/numpy (<c>int64</c>, <c>long</c>, <c>torch.float32</c>).
/// Normalizes to the KServe name, which is also what the export script maps to a torch dtype. The spellings
/// shared with the other worlds come from <see cref="TensorDataType"/>; only torch's C-style names are here.
/// </summary>
public static class PyTorchDataTypes
{
    /// <summary>The types a torch tensor can have as a model input: no strings, no unsigned wider than a byte.</summary>
    private static readonly TensorDataType[] Exportable =
    [
        TensorDataType.Fp32, TensorDataType.Fp16, TensorDataType.Bf16, TensorDataType.Fp64, TensorDataType.Int8,
        TensorDataType.Int16, TensorDataType.Int32, TensorDataType.Int64, TensorDataType.UInt8, TensorDataType.Bool,
    ];

    /// <summary>The accepted types in torch's spelling (the order of <see cref="Exportable"/>), for messages.</summary>
    public static string Accepted { get; } = "float32, float16, bfloat16, float64, int8, int16, int32, int64, uint8, bool";

    public static bool TryNormalize(string? dataType, out string kserve)
    {
        kserve = "";
        if (string.IsNullOrWhiteSpace(dataType))
        {
            return false;
        }

        var t = dataType.Trim();
        foreach (var prefix in (ReadOnlySpan<string>)["torch.", "np.", "numpy."])
        {
            if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[prefix.Length..];
            }
        }

        var type = t.ToLowerInvariant() switch
        {
            "half" => TensorDataType.Fp16,
            "short" => TensorDataType.Int16,
            "int" => TensorDataType.Int32,
            "long" => TensorDataType.Int64,
            _ => TensorDataType.FromAnySpelling(t),
        };
        if (type is null || Array.IndexOf(Exportable, type) < 0)
        {
            return false;
        }

        kserve = type.Name;
        return true;
    }
}

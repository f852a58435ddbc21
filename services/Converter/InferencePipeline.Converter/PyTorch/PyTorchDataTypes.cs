namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// The input datatypes a PyTorch export accepts, in the spellings users bring: KServe (<c>INT64</c>), Triton
/// (<c>TYPE_INT64</c>) and torch/numpy (<c>int64</c>, <c>long</c>, <c>torch.float32</c>). Normalizes to the KServe
/// name, which is also what the export script maps to a torch dtype.
/// </summary>
public static class PyTorchDataTypes
{
    private static readonly (string KServe, string[] Aliases)[] Table =
    [
        ("FP32", ["float32", "float", "fp32"]),
        ("FP16", ["float16", "half", "fp16"]),
        ("BF16", ["bfloat16", "bf16"]),
        ("FP64", ["float64", "double", "fp64"]),
        ("INT8", ["int8"]),
        ("INT16", ["int16", "short"]),
        ("INT32", ["int32", "int"]),
        ("INT64", ["int64", "long"]),
        ("UINT8", ["uint8"]),
        ("BOOL", ["bool"]),
    ];

    /// <summary>The accepted types, for messages.</summary>
    public static string Accepted { get; } = string.Join(", ", Table.Select(t => t.Aliases[0]));

    public static bool TryNormalize(string? dataType, out string kserve)
    {
        kserve = "";
        if (string.IsNullOrWhiteSpace(dataType))
        {
            return false;
        }

        var t = dataType.Trim();
        foreach (var prefix in (ReadOnlySpan<string>)["torch.", "np.", "numpy.", "TYPE_"])
        {
            if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[prefix.Length..];
            }
        }

        foreach (var (name, aliases) in Table)
        {
            if (string.Equals(t, name, StringComparison.OrdinalIgnoreCase) ||
                aliases.Any(a => string.Equals(t, a, StringComparison.OrdinalIgnoreCase)))
            {
                kserve = name;
                return true;
            }
        }

        return false;
    }
}

namespace InferencePipeline.LoadGen;

/// <summary>KServe v2 tensor datatypes ("INT64", "FP32", ...) and their element sizes.</summary>
public static class KServeDataType
{
    /// <summary>Canonical KServe name for <paramref name="dataType"/>, also accepting Triton's "TYPE_INT64" and ONNX's "float"/"int64".</summary>
    public static string Normalize(string dataType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataType);
        var t = dataType.Trim().ToUpperInvariant();
        if (t.StartsWith("TYPE_", StringComparison.Ordinal))
        {
            t = t[5..];
        }

        return t switch
        {
            "FLOAT" or "FLOAT32" => "FP32",
            "FLOAT16" => "FP16",
            "DOUBLE" or "FLOAT64" => "FP64",
            "BFLOAT16" => "BF16",
            "STRING" => "BYTES",
            _ => t,
        };
    }

    /// <summary>Bytes per element of a fixed-size type; throws for BYTES (variable length) and unknown names.</summary>
    public static int ElementSize(string dataType) => Normalize(dataType) switch
    {
        "BOOL" or "INT8" or "UINT8" => 1,
        "INT16" or "UINT16" or "FP16" or "BF16" => 2,
        "INT32" or "UINT32" or "FP32" => 4,
        "INT64" or "UINT64" or "FP64" => 8,
        "BYTES" => throw new NotSupportedException("BYTES tensors have no fixed element size."),
        var other => throw new NotSupportedException($"Unknown KServe datatype '{other}'."),
    };
}

using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.Onnx;

/// <summary>Maps ONNX Runtime tensor element types and ONNX TensorProto data types to KServe v2 datatype names.</summary>
public static class OnnxTensorTypes
{
    private static readonly (TensorElementType Ort, string KServe)[] Table =
    [
        (TensorElementType.Float, "FP32"),
        (TensorElementType.Float16, "FP16"),
        (TensorElementType.BFloat16, "BF16"),
        (TensorElementType.Double, "FP64"),
        (TensorElementType.Int8, "INT8"),
        (TensorElementType.Int16, "INT16"),
        (TensorElementType.Int32, "INT32"),
        (TensorElementType.Int64, "INT64"),
        (TensorElementType.UInt8, "UINT8"),
        (TensorElementType.UInt16, "UINT16"),
        (TensorElementType.UInt32, "UINT32"),
        (TensorElementType.UInt64, "UINT64"),
        (TensorElementType.Bool, "BOOL"),
        (TensorElementType.String, "BYTES"),
    ];

    public static string ToKServe(TensorElementType type)
    {
        foreach (var row in Table)
        {
            if (row.Ort == type)
            {
                return row.KServe;
            }
        }

        throw new NotSupportedException($"ONNX element type {type} has no KServe v2 datatype");
    }

    public static TensorElementType FromKServe(string dataType)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.KServe, dataType, StringComparison.OrdinalIgnoreCase))
            {
                return row.Ort;
            }
        }

        throw new ArgumentException($"unknown KServe v2 datatype '{dataType}'", nameof(dataType));
    }

    /// <summary>ONNX TensorProto.DataType numbers coincide with ORT's TensorElementType numbers.</summary>
    public static string FromOnnxDataType(int onnxDataType) => ToKServe((TensorElementType)onnxDataType);
}

using Inference;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// One KServe v2 datatype with everything the request path needs about it: the protocol name, the
/// config.pbtxt enum, the element size and the ORT element type. A fixed table so lookups allocate nothing.
/// BYTES (TYPE_STRING, ONNX string) has no fixed element size: its data travel in Triton's serialization
/// (see <see cref="BytesSerialization"/>) and take their own branches wherever the size matters.
/// </summary>
internal sealed class TensorDataType
{
    private TensorDataType(string name, DataType configType, int elementSize, TensorElementType ortType)
    {
        Name = name;
        ConfigType = configType;
        ElementSize = elementSize;
        OrtType = ortType;
    }

    public string Name { get; }
    public DataType ConfigType { get; }
    public int ElementSize { get; }
    public TensorElementType OrtType { get; }

    /// <summary>True for BYTES: variable-length elements, <see cref="ElementSize"/> is 0.</summary>
    public bool IsBytes => ElementSize == 0;

    public static readonly TensorDataType Bool = new("BOOL", DataType.TypeBool, 1, TensorElementType.Bool);
    public static readonly TensorDataType UInt8 = new("UINT8", DataType.TypeUint8, 1, TensorElementType.UInt8);
    public static readonly TensorDataType UInt16 = new("UINT16", DataType.TypeUint16, 2, TensorElementType.UInt16);
    public static readonly TensorDataType UInt32 = new("UINT32", DataType.TypeUint32, 4, TensorElementType.UInt32);
    public static readonly TensorDataType UInt64 = new("UINT64", DataType.TypeUint64, 8, TensorElementType.UInt64);
    public static readonly TensorDataType Int8 = new("INT8", DataType.TypeInt8, 1, TensorElementType.Int8);
    public static readonly TensorDataType Int16 = new("INT16", DataType.TypeInt16, 2, TensorElementType.Int16);
    public static readonly TensorDataType Int32 = new("INT32", DataType.TypeInt32, 4, TensorElementType.Int32);
    public static readonly TensorDataType Int64 = new("INT64", DataType.TypeInt64, 8, TensorElementType.Int64);
    public static readonly TensorDataType Fp16 = new("FP16", DataType.TypeFp16, 2, TensorElementType.Float16);
    public static readonly TensorDataType Fp32 = new("FP32", DataType.TypeFp32, 4, TensorElementType.Float);
    public static readonly TensorDataType Fp64 = new("FP64", DataType.TypeFp64, 8, TensorElementType.Double);
    public static readonly TensorDataType Bf16 = new("BF16", DataType.TypeBf16, 2, TensorElementType.BFloat16);
    public static readonly TensorDataType Bytes = new("BYTES", DataType.TypeString, 0, TensorElementType.String);

    private static readonly TensorDataType[] All =
        [Bool, UInt8, UInt16, UInt32, UInt64, Int8, Int16, Int32, Int64, Fp16, Fp32, Fp64, Bf16, Bytes];

    /// <summary>The type for a protocol datatype name ("FP32"), or null when unknown.</summary>
    public static TensorDataType? FromName(string name)
    {
        foreach (var type in All)
        {
            if (string.Equals(type.Name, name, StringComparison.Ordinal))
            {
                return type;
            }
        }
        return null;
    }

    public static TensorDataType? FromConfig(DataType configType)
    {
        foreach (var type in All)
        {
            if (type.ConfigType == configType)
            {
                return type;
            }
        }
        return null;
    }

    public static TensorDataType? FromOrt(TensorElementType ortType)
    {
        foreach (var type in All)
        {
            if (type.OrtType == ortType)
            {
                return type;
            }
        }
        return null;
    }

    /// <summary>Protocol name of a config enum value (TYPE_STRING → BYTES), also for types this server cannot run.</summary>
    public static string NameOf(DataType configType) => FromConfig(configType)?.Name ?? configType.ToString();

    public override string ToString() => Name;
}

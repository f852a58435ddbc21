using Inference;

namespace InferencePipeline.KServe;

/// <summary>
/// The one table of tensor datatypes: each KServe v2 datatype with its names and numbers in the other worlds a
/// tensor passes through — Triton's config.pbtxt enum, ONNX's element type, its size and the .NET type of one
/// element. Every lookup is a switch over constants, so the server's request path can use it without allocating.
/// <para>BYTES (Triton's TYPE_STRING, ONNX's STRING) has no fixed element size (<see cref="ElementSize"/> is 0):
/// its elements travel as a 4-byte little-endian length followed by the bytes, and take their own branch wherever
/// the size matters.</para>
/// </summary>
public sealed class TensorDataType
{
    private TensorDataType(string name, DataType configType, string configName, int onnxElementType, string onnxName, int elementSize, Type clrType)
    {
        Name = name;
        ConfigType = configType;
        ConfigName = configName;
        OnnxElementType = onnxElementType;
        OnnxName = onnxName;
        ElementSize = elementSize;
        ClrType = clrType;
    }

    /// <summary>The KServe v2 protocol name ("FP32"), as requests, responses and model metadata carry it.</summary>
    public string Name { get; }

    /// <summary>The config.pbtxt enum value (<see cref="DataType.TypeFp32"/>).</summary>
    public DataType ConfigType { get; }

    /// <summary>The config.pbtxt spelling ("TYPE_FP32").</summary>
    public string ConfigName { get; }

    /// <summary>
    /// ONNX's <c>TensorProto.DataType</c> number (FLOAT = 1). ONNX Runtime's <c>TensorElementType</c> uses the same
    /// numbers, so code that talks to ONNX Runtime casts this value; the protocol itself needs no ONNX Runtime.
    /// </summary>
    public int OnnxElementType { get; }

    /// <summary>ONNX's name for the element type ("FLOAT").</summary>
    public string OnnxName { get; }

    /// <summary>Bytes per element in the raw little-endian layout; 0 for BYTES (variable length).</summary>
    public int ElementSize { get; }

    /// <summary>
    /// The .NET type that holds one element: <see cref="Half"/> for FP16, <see cref="ushort"/> (the upper half of a
    /// float's bits) for BF16, which .NET has no type for, and <see cref="T:byte[]"/> for a BYTES element.
    /// </summary>
    public Type ClrType { get; }

    /// <summary>True for BYTES: variable-length elements, <see cref="ElementSize"/> is 0.</summary>
    public bool IsBytes => ElementSize == 0;

    public static readonly TensorDataType Bool = new("BOOL", DataType.TypeBool, "TYPE_BOOL", 9, "BOOL", 1, typeof(bool));
    public static readonly TensorDataType UInt8 = new("UINT8", DataType.TypeUint8, "TYPE_UINT8", 2, "UINT8", 1, typeof(byte));
    public static readonly TensorDataType UInt16 = new("UINT16", DataType.TypeUint16, "TYPE_UINT16", 4, "UINT16", 2, typeof(ushort));
    public static readonly TensorDataType UInt32 = new("UINT32", DataType.TypeUint32, "TYPE_UINT32", 12, "UINT32", 4, typeof(uint));
    public static readonly TensorDataType UInt64 = new("UINT64", DataType.TypeUint64, "TYPE_UINT64", 13, "UINT64", 8, typeof(ulong));
    public static readonly TensorDataType Int8 = new("INT8", DataType.TypeInt8, "TYPE_INT8", 3, "INT8", 1, typeof(sbyte));
    public static readonly TensorDataType Int16 = new("INT16", DataType.TypeInt16, "TYPE_INT16", 5, "INT16", 2, typeof(short));
    public static readonly TensorDataType Int32 = new("INT32", DataType.TypeInt32, "TYPE_INT32", 6, "INT32", 4, typeof(int));
    public static readonly TensorDataType Int64 = new("INT64", DataType.TypeInt64, "TYPE_INT64", 7, "INT64", 8, typeof(long));
    public static readonly TensorDataType Fp16 = new("FP16", DataType.TypeFp16, "TYPE_FP16", 10, "FLOAT16", 2, typeof(Half));
    public static readonly TensorDataType Fp32 = new("FP32", DataType.TypeFp32, "TYPE_FP32", 1, "FLOAT", 4, typeof(float));
    public static readonly TensorDataType Fp64 = new("FP64", DataType.TypeFp64, "TYPE_FP64", 11, "DOUBLE", 8, typeof(double));
    public static readonly TensorDataType Bf16 = new("BF16", DataType.TypeBf16, "TYPE_BF16", 16, "BFLOAT16", 2, typeof(ushort));
    public static readonly TensorDataType Bytes = new("BYTES", DataType.TypeString, "TYPE_STRING", 8, "STRING", 0, typeof(byte[]));

    /// <summary>Every datatype, in config.pbtxt enum order.</summary>
    public static IReadOnlyList<TensorDataType> All { get; } =
        [Bool, UInt8, UInt16, UInt32, UInt64, Int8, Int16, Int32, Int64, Fp16, Fp32, Fp64, Bytes, Bf16];

    /// <summary>The KServe v2 names, in config.pbtxt enum order (for messages that list what is known).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(t => t.Name).ToArray();

    /// <summary>The type for a protocol name exactly as the protocol spells it ("FP32"), or null when unknown.</summary>
    public static TensorDataType? FromName(string name) => name switch
    {
        "BOOL" => Bool,
        "UINT8" => UInt8,
        "UINT16" => UInt16,
        "UINT32" => UInt32,
        "UINT64" => UInt64,
        "INT8" => Int8,
        "INT16" => Int16,
        "INT32" => Int32,
        "INT64" => Int64,
        "FP16" => Fp16,
        "FP32" => Fp32,
        "FP64" => Fp64,
        "BF16" => Bf16,
        "BYTES" => Bytes,
        _ => null,
    };

    /// <summary>The type for a KServe v2 name in any letter case ("fp32"), or null when unknown.</summary>
    public static TensorDataType? FromNameIgnoreCase(string name) =>
        FromName(name) ?? FromName(name.ToUpperInvariant());

    /// <summary>The type for a KServe v2 name in any letter case; throws naming the unknown name and the known ones.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is no KServe v2 datatype.</exception>
    public static TensorDataType Parse(string name) =>
        FromNameIgnoreCase(name) ?? throw new ArgumentException(
            $"unknown KServe v2 datatype '{name}' (known: {string.Join(", ", Names)})", nameof(name));

    /// <summary>
    /// The type for any usual spelling, in any letter case: KServe's ("FP32"), config.pbtxt's ("TYPE_FP32"), ONNX's
    /// ("FLOAT", "STRING") and NumPy-style "FLOAT32"/"FLOAT64"; null when none fits. For input that may come from
    /// any of those worlds (a user's input-data file, a server's metadata); protocol fields use <see cref="FromName"/>.
    /// </summary>
    public static TensorDataType? FromAnySpelling(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.Trim().ToUpperInvariant();
        if (upper.StartsWith("TYPE_", StringComparison.Ordinal))
        {
            upper = upper[5..];
        }

        return FromName(upper) ?? upper switch
        {
            "FLOAT" or "FLOAT32" => Fp32,
            "FLOAT16" => Fp16,
            "DOUBLE" or "FLOAT64" => Fp64,
            "BFLOAT16" => Bf16,
            "STRING" => Bytes,
            _ => null,
        };
    }

    /// <summary>The type for a config.pbtxt enum value, or null for TYPE_INVALID and values this table lacks.</summary>
    public static TensorDataType? FromConfig(DataType configType) => configType switch
    {
        DataType.TypeBool => Bool,
        DataType.TypeUint8 => UInt8,
        DataType.TypeUint16 => UInt16,
        DataType.TypeUint32 => UInt32,
        DataType.TypeUint64 => UInt64,
        DataType.TypeInt8 => Int8,
        DataType.TypeInt16 => Int16,
        DataType.TypeInt32 => Int32,
        DataType.TypeInt64 => Int64,
        DataType.TypeFp16 => Fp16,
        DataType.TypeFp32 => Fp32,
        DataType.TypeFp64 => Fp64,
        DataType.TypeString => Bytes,
        DataType.TypeBf16 => Bf16,
        _ => null,
    };

    /// <summary>The type for an ONNX element type number (ONNX Runtime's <c>TensorElementType</c> cast to int), or null.</summary>
    public static TensorDataType? FromOnnx(int onnxElementType) => onnxElementType switch
    {
        1 => Fp32,
        2 => UInt8,
        3 => Int8,
        4 => UInt16,
        5 => Int16,
        6 => Int32,
        7 => Int64,
        8 => Bytes,
        9 => Bool,
        10 => Fp16,
        11 => Fp64,
        12 => UInt32,
        13 => UInt64,
        16 => Bf16,
        _ => null,
    };

    /// <summary>Protocol name of a config enum value (TYPE_STRING → BYTES), or the enum's own name for one the table lacks.</summary>
    public static string NameOf(DataType configType) => FromConfig(configType)?.Name ?? configType.ToString();

    public override string ToString() => Name;
}

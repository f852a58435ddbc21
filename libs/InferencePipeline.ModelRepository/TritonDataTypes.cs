using Inference;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Maps KServe v2 datatype strings ("INT64", "FP32", "BYTES", ...) to Triton's <see cref="DataType"/>
/// (TYPE_INT64, TYPE_FP32, TYPE_STRING, ...) and back, and gives element sizes in bytes.
/// </summary>
public static class TritonDataTypes
{
    private static readonly (string KServe, DataType Triton, int Size)[] Table =
    [
        ("BOOL", DataType.TypeBool, 1),
        ("UINT8", DataType.TypeUint8, 1),
        ("UINT16", DataType.TypeUint16, 2),
        ("UINT32", DataType.TypeUint32, 4),
        ("UINT64", DataType.TypeUint64, 8),
        ("INT8", DataType.TypeInt8, 1),
        ("INT16", DataType.TypeInt16, 2),
        ("INT32", DataType.TypeInt32, 4),
        ("INT64", DataType.TypeInt64, 8),
        ("FP16", DataType.TypeFp16, 2),
        ("FP32", DataType.TypeFp32, 4),
        ("FP64", DataType.TypeFp64, 8),
        ("BF16", DataType.TypeBf16, 2),
        ("BYTES", DataType.TypeString, 0),
    ];

    /// <summary>The KServe v2 names this product knows.</summary>
    public static IReadOnlyList<string> KServeNames { get; } = Table.Select(t => t.KServe).ToArray();

    public static bool TryToTriton(string kserveDataType, out DataType dataType)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.KServe, kserveDataType, StringComparison.OrdinalIgnoreCase))
            {
                dataType = row.Triton;
                return true;
            }
        }

        dataType = DataType.TypeInvalid;
        return false;
    }

    /// <summary>"INT64" → TYPE_INT64; throws ArgumentException naming the unknown type.</summary>
    public static DataType ToTriton(string kserveDataType) =>
        TryToTriton(kserveDataType, out var dataType)
            ? dataType
            : throw new ArgumentException(
                $"unknown KServe v2 datatype '{kserveDataType}' (known: {string.Join(", ", KServeNames)})", nameof(kserveDataType));

    /// <summary>TYPE_INT64 → "INT64"; TYPE_STRING → "BYTES".</summary>
    public static string ToKServe(DataType dataType)
    {
        foreach (var row in Table)
        {
            if (row.Triton == dataType)
            {
                return row.KServe;
            }
        }

        throw new ArgumentException($"Triton datatype {dataType} has no KServe v2 name", nameof(dataType));
    }

    /// <summary>Bytes per element; 0 for BYTES, whose elements are length-prefixed and variable.</summary>
    public static int ElementByteSize(string kserveDataType) => ElementByteSize(ToTriton(kserveDataType));

    /// <summary>Bytes per element; 0 for TYPE_STRING (variable length).</summary>
    public static int ElementByteSize(DataType dataType)
    {
        foreach (var row in Table)
        {
            if (row.Triton == dataType)
            {
                return row.Size;
            }
        }

        throw new ArgumentException($"Triton datatype {dataType} has no element size", nameof(dataType));
    }
}

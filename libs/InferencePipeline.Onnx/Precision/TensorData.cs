using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>Reads and writes the numbers in ONNX <see cref="TensorProto"/>s (raw little-endian bytes or the typed fields).</summary>
internal static class TensorData
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Float16 = (int)TensorProto.Types.DataType.Float16;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;

    public static bool IsExternal(TensorProto tensor) => tensor.DataLocation == TensorProto.Types.DataLocation.External;

    public static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (a, d) => a * d);

    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != Float)
        {
            throw new ArgumentException($"tensor '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, not float");
        }

        if (IsExternal(tensor))
        {
            throw new NotSupportedException(
                $"tensor '{tensor.Name}' keeps its data in an external file; load the model with its external data inlined (models under 2 GB) before transforming it");
        }

        if (!tensor.RawData.IsEmpty)
        {
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        return tensor.FloatData.ToArray();
    }

    public static TensorProto Floats(string name, float[] values, params long[] dims) =>
        Make(name, Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Halves(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }

        return Make(name, Float16, MemoryMarshal.AsBytes(halves.AsSpan()), dims);
    }

    public static TensorProto Int8s(string name, sbyte[] values, params long[] dims) =>
        Make(name, Int8, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    private static TensorProto Make(string name, int dataType, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}

using System.Runtime.InteropServices;
using InferencePipeline.KServe;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.Onnx;

/// <summary>
/// Conversions between KServe v2 raw tensor bytes (little-endian, row-major; this code assumes a little-endian
/// host, which every .NET platform ORT ships for is) and ONNX Runtime values or float arrays.
/// </summary>
public static class TensorBytes
{
    public static NamedOnnxValue ToNamedOnnxValue(string name, string dataType, long[] shape, ReadOnlySpan<byte> data)
    {
        int[] dims = shape.Select(d => checked((int)d)).ToArray();
        CheckLength(name, dataType, shape, data.Length);
        return OrtElementType(dataType) switch
        {
            TensorElementType.Float => Named<float>(name, data, dims),
            TensorElementType.Float16 => Named<Float16>(name, data, dims),
            TensorElementType.BFloat16 => Named<BFloat16>(name, data, dims),
            TensorElementType.Double => Named<double>(name, data, dims),
            TensorElementType.Int8 => Named<sbyte>(name, data, dims),
            TensorElementType.Int16 => Named<short>(name, data, dims),
            TensorElementType.Int32 => Named<int>(name, data, dims),
            TensorElementType.Int64 => Named<long>(name, data, dims),
            TensorElementType.UInt8 => Named<byte>(name, data, dims),
            TensorElementType.UInt16 => Named<ushort>(name, data, dims),
            TensorElementType.UInt32 => Named<uint>(name, data, dims),
            TensorElementType.UInt64 => Named<ulong>(name, data, dims),
            TensorElementType.Bool => Named<bool>(name, data, dims),
            var other => throw new NotSupportedException($"input '{name}': datatype {dataType} ({other}) is not supported as raw bytes"),
        };
    }

    public static OrtValue ToOrtValue(string dataType, long[] shape, ReadOnlySpan<byte> data)
    {
        CheckLength("tensor", dataType, shape, data.Length);
        return OrtElementType(dataType) switch
        {
            TensorElementType.Float => Ort<float>(data, shape),
            TensorElementType.Float16 => Ort<Float16>(data, shape),
            TensorElementType.BFloat16 => Ort<BFloat16>(data, shape),
            TensorElementType.Double => Ort<double>(data, shape),
            TensorElementType.Int8 => Ort<sbyte>(data, shape),
            TensorElementType.Int16 => Ort<short>(data, shape),
            TensorElementType.Int32 => Ort<int>(data, shape),
            TensorElementType.Int64 => Ort<long>(data, shape),
            TensorElementType.UInt8 => Ort<byte>(data, shape),
            TensorElementType.UInt16 => Ort<ushort>(data, shape),
            TensorElementType.UInt32 => Ort<uint>(data, shape),
            TensorElementType.UInt64 => Ort<ulong>(data, shape),
            TensorElementType.Bool => Ort<bool>(data, shape),
            var other => throw new NotSupportedException($"datatype {dataType} ({other}) is not supported as raw bytes"),
        };
    }

    /// <summary>Raw bytes of a numeric datatype as floats (for comparing outputs); FP16/BF16/FP64/integers convert.</summary>
    public static float[] ToFloats(string dataType, ReadOnlySpan<byte> data) => OrtElementType(dataType) switch
    {
        TensorElementType.Float => MemoryMarshal.Cast<byte, float>(data).ToArray(),
        TensorElementType.Float16 => Convert(MemoryMarshal.Cast<byte, Half>(data), h => (float)h),
        TensorElementType.BFloat16 => Convert(MemoryMarshal.Cast<byte, ushort>(data), b => BitConverter.Int32BitsToSingle(b << 16)),
        TensorElementType.Double => Convert(MemoryMarshal.Cast<byte, double>(data), d => (float)d),
        TensorElementType.Int32 => Convert(MemoryMarshal.Cast<byte, int>(data), i => (float)i),
        TensorElementType.Int64 => Convert(MemoryMarshal.Cast<byte, long>(data), l => (float)l),
        TensorElementType.UInt8 => Convert(data, b => (float)b),
        TensorElementType.Bool => Convert(data, b => b != 0 ? 1f : 0f),
        _ => throw new NotSupportedException($"datatype {dataType} cannot be read as floats"),
    };

    /// <summary>Floats as raw bytes of <paramref name="dataType"/> (FP32, FP16 or FP64).</summary>
    public static byte[] FromFloats(string dataType, ReadOnlySpan<float> values) => OrtElementType(dataType) switch
    {
        TensorElementType.Float => MemoryMarshal.AsBytes(values).ToArray(),
        TensorElementType.Float16 => MemoryMarshal.AsBytes(Convert(values, f => (Half)f).AsSpan()).ToArray(),
        TensorElementType.Double => MemoryMarshal.AsBytes(Convert(values, f => (double)f).AsSpan()).ToArray(),
        _ => throw new NotSupportedException($"floats cannot be written as {dataType}"),
    };

    /// <summary>ONNX Runtime's element type for a KServe v2 name; ONNX Runtime numbers element types as ONNX does.</summary>
    private static TensorElementType OrtElementType(string dataType) => (TensorElementType)TensorDataType.Parse(dataType).OnnxElementType;

    private static void CheckLength(string name, string dataType, long[] shape, int byteLength)
    {
        int size = TensorDataType.Parse(dataType).ElementSize;
        if (size == 0)
        {
            throw new NotSupportedException($"'{name}': variable-length datatype {dataType} has no fixed raw layout");
        }

        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"'{name}': shape [{string.Join(", ", shape)}] must be concrete (no -1)");
        }

        long expected = shape.Aggregate(1L, (a, d) => a * d) * size;
        if (expected != byteLength)
        {
            throw new ArgumentException(
                $"'{name}': {byteLength} bytes do not match shape [{string.Join(", ", shape)}] of {dataType} ({expected} bytes expected)");
        }
    }

    private static NamedOnnxValue Named<T>(string name, ReadOnlySpan<byte> data, int[] dims)
        where T : unmanaged =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<T>(MemoryMarshal.Cast<byte, T>(data).ToArray(), dims));

    private static OrtValue Ort<T>(ReadOnlySpan<byte> data, long[] shape)
        where T : unmanaged =>
        OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, T>(data).ToArray(), shape);

    private static TOut[] Convert<TIn, TOut>(ReadOnlySpan<TIn> values, Func<TIn, TOut> convert)
    {
        var result = new TOut[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = convert(values[i]);
        }

        return result;
    }
}

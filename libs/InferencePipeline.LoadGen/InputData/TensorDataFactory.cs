using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InferencePipeline.KServe;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Builds request tensor contents once, in KServe's raw little-endian layout (the bytes of
/// <c>raw_input_contents</c>; BYTES elements as 4-byte length + bytes), for perf_analyzer-style synthetic
/// input: random integers in [0, 1000) (valid token ids), floats in [0, 1), booleans, all-ones for inputs
/// whose name contains "mask" (an all-zero attention mask is a degenerate input for BERT-like models) and
/// zeros for "segment"/"token_type" inputs (BERT has only 2 segment embeddings: a random id would be out of range).
/// BYTES inputs get what perf_analyzer gives them in both modes (its zero mode zeroes only numeric buffers): random
/// printable ASCII strings of <c>stringLength</c> characters (its --string-length, 128), or <c>stringData</c> in every
/// element when given (its --string-data).
/// </summary>
public static class TensorDataFactory
{
    /// <summary>Exclusive upper bound for random integer inputs, small enough to be a valid id in any vocabulary we test.</summary>
    public const int MaxRandomInteger = 1000;

    /// <summary>perf_analyzer's default --string-length.</summary>
    public const int DefaultStringLength = 128;

    public static byte[] Create(string name, string dataType, IReadOnlyList<long> shape, InputDataMode mode, Random random,
        int stringLength = DefaultStringLength, string? stringData = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(random);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("KServe raw tensors are little-endian; big-endian hosts are not supported.");
        }

        var type = TensorDataType.FromAnySpelling(dataType)
            ?? throw new NotSupportedException($"Input '{name}' has datatype '{dataType}', which the load generator cannot fill.");
        var elements = ElementCount(name, shape);
        var isMask = name.Contains("mask", StringComparison.OrdinalIgnoreCase);
        if (name.Contains("segment", StringComparison.OrdinalIgnoreCase) || name.Contains("token_type", StringComparison.OrdinalIgnoreCase))
        {
            mode = InputDataMode.Zero;
        }

        if (type.IsBytes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(stringLength);
            return CreateBytesTensor(elements, stringLength, stringData, random);
        }

        var data = new byte[checked(elements * type.ElementSize)];
        if (mode == InputDataMode.Zero && !isMask)
        {
            return data;
        }

        switch (type.Name)
        {
            case "BOOL":
            case "UINT8":
            case "INT8":
                Fill(data.AsSpan(), i => (byte)(isMask ? 1 : type == TensorDataType.Bool ? i & 1 : i));
                break;
            case "INT16":
                Fill(MemoryMarshal.Cast<byte, short>(data.AsSpan()), i => (short)(isMask ? 1 : i));
                break;
            case "UINT16":
                Fill(MemoryMarshal.Cast<byte, ushort>(data.AsSpan()), i => (ushort)(isMask ? 1 : i));
                break;
            case "INT32":
                Fill(MemoryMarshal.Cast<byte, int>(data.AsSpan()), i => isMask ? 1 : i);
                break;
            case "UINT32":
                Fill(MemoryMarshal.Cast<byte, uint>(data.AsSpan()), i => (uint)(isMask ? 1 : i));
                break;
            case "INT64":
                Fill(MemoryMarshal.Cast<byte, long>(data.AsSpan()), i => isMask ? 1L : i);
                break;
            case "UINT64":
                Fill(MemoryMarshal.Cast<byte, ulong>(data.AsSpan()), i => (ulong)(isMask ? 1 : i));
                break;
            case "FP32":
                FillFloat(MemoryMarshal.Cast<byte, float>(data.AsSpan()), () => isMask ? 1f : random.NextSingle());
                break;
            case "FP64":
                FillFloat(MemoryMarshal.Cast<byte, double>(data.AsSpan()), () => isMask ? 1d : random.NextDouble());
                break;
            case "FP16":
                FillFloat(MemoryMarshal.Cast<byte, Half>(data.AsSpan()), () => (Half)(isMask ? 1f : random.NextSingle()));
                break;
            case "BF16":
                // bfloat16 is the upper half of an IEEE float32.
                FillFloat(MemoryMarshal.Cast<byte, ushort>(data.AsSpan()), () => (ushort)(BitConverter.SingleToUInt32Bits(isMask ? 1f : random.NextSingle()) >> 16));
                break;
            default:
                throw new NotSupportedException($"Input '{name}' has datatype '{dataType}', which the load generator cannot fill.");
        }

        return data;

        void Fill<T>(Span<T> span, Func<int, T> fromRandom)
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = fromRandom(mode == InputDataMode.Zero ? 0 : random.Next(MaxRandomInteger));
            }
        }

        static void FillFloat<T>(Span<T> span, Func<T> next)
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = next();
            }
        }
    }

    public static long ElementCount(string name, IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Input '{name}' still has a dynamic dimension in [{string.Join(", ", shape)}]; resolve the shape first.", nameof(shape));
            }

            count = checked(count * d);
        }

        return count;
    }

    private static byte[] CreateBytesTensor(long elements, int stringLength, string? stringData, Random random)
    {
        // Triton's serialization: each element a 4-byte little-endian length, then that many bytes.
        var fixedBytes = stringData is null ? null : System.Text.Encoding.UTF8.GetBytes(stringData);
        var elementBytes = fixedBytes?.Length ?? stringLength;
        var data = new byte[checked(elements * (4 + elementBytes))];
        var offset = 0;
        for (long i = 0; i < elements; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(offset), elementBytes);
            var element = data.AsSpan(offset + 4, elementBytes);
            if (fixedBytes is not null)
            {
                fixedBytes.CopyTo(element);
            }
            else
            {
                for (var c = 0; c < element.Length; c++)
                {
                    // Printable ASCII (space to '~'): valid UTF-8, so the data also fit a JSON or text-only model.
                    element[c] = (byte)random.Next(0x20, 0x7F);
                }
            }
            offset += 4 + elementBytes;
        }

        return data;
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using InferencePipeline.KServe;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Turns one <see cref="InputDataTensor"/> into KServe's raw little-endian bytes for the model's datatype,
/// checking the element count against the shape the request will declare. Errors name the input and step.
/// </summary>
public static class InputDataEncoder
{
    public static byte[] Encode(InputDataTensor tensor, string dataType, long elementCount, int step)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var type = TensorDataType.FromAnySpelling(dataType)
            ?? throw new NotSupportedException($"Input '{tensor.Name}' has datatype '{dataType}', which input data cannot fill.");
        if (tensor.RawBytes is { } raw)
        {
            if (!type.IsBytes)
            {
                var expected = elementCount * type.ElementSize;
                if (raw.Length != expected)
                {
                    throw new InputDataException(
                        $"Input '{tensor.Name}' in step {step} has {raw.Length} bytes of b64 data; {elementCount} {type} elements need {expected}.",
                        step, tensor.Name);
                }
            }

            return raw;
        }

        var values = tensor.Values!;
        if (values.Count != elementCount)
        {
            throw new InputDataException(
                $"Input '{tensor.Name}' in step {step} has {values.Count} values; the request's shape needs {elementCount}.", step, tensor.Name);
        }

        if (type.IsBytes)
        {
            return EncodeStrings(tensor.Name, values, step);
        }

        var size = type.ElementSize;
        var data = new byte[checked(values.Count * size)];
        for (var i = 0; i < values.Count; i++)
        {
            var span = data.AsSpan(i * size, size);
            var v = values[i];
            try
            {
                switch (type.Name)
                {
                    case "BOOL":
                        span[0] = v.ValueKind switch
                        {
                            JsonValueKind.True => 1,
                            JsonValueKind.False => 0,
                            _ => Integer(v) switch
                            {
                                0L => (byte)0,
                                1L => (byte)1,
                                _ => throw new FormatException("a boolean is true, false, 0 or 1"),
                            },
                        };
                        break;
                    case "INT8": span[0] = unchecked((byte)checked((sbyte)Integer(v))); break;
                    case "UINT8": span[0] = checked((byte)Integer(v)); break;
                    case "INT16": BinaryPrimitives.WriteInt16LittleEndian(span, checked((short)Integer(v))); break;
                    case "UINT16": BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)Integer(v))); break;
                    case "INT32": BinaryPrimitives.WriteInt32LittleEndian(span, checked((int)Integer(v))); break;
                    case "UINT32": BinaryPrimitives.WriteUInt32LittleEndian(span, checked((uint)Integer(v))); break;
                    case "INT64": BinaryPrimitives.WriteInt64LittleEndian(span, Integer(v)); break;
                    case "UINT64": BinaryPrimitives.WriteUInt64LittleEndian(span, v.GetUInt64()); break;
                    case "FP32": BinaryPrimitives.WriteSingleLittleEndian(span, (float)Real(v)); break;
                    case "FP64": BinaryPrimitives.WriteDoubleLittleEndian(span, Real(v)); break;
                    case "FP16": BinaryPrimitives.WriteHalfLittleEndian(span, (Half)Real(v)); break;
                    case "BF16":
                        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BitConverter.SingleToUInt32Bits((float)Real(v)) >> 16));
                        break;
                    default:
                        throw new InputDataException($"Input '{tensor.Name}' has datatype '{dataType}', which input data cannot fill.", step, tensor.Name);
                }
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or InvalidOperationException)
            {
                throw new InputDataException(
                    $"Input '{tensor.Name}' in step {step}: value {i} ({v.GetRawText()}) is not a valid {type}: {ex.Message}", step, tensor.Name, ex);
            }
        }

        return data;
    }

    private static long Integer(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number when v.TryGetInt64(out var l) => l,
        JsonValueKind.Number => throw new FormatException("not an integer in range"),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => throw new FormatException($"expected a number, found {v.ValueKind}"),
    };

    private static double Real(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        // JSON has no NaN or infinity literals; accept them as strings like Python's json module writes them.
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new FormatException($"expected a number, found {v.ValueKind}"),
    };

    private static byte[] EncodeStrings(string name, IReadOnlyList<JsonElement> values, int step)
    {
        // KServe raw BYTES: each element a 4-byte little-endian length, then its bytes.
        var parts = new byte[values.Count][];
        long total = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            parts[i] = v.ValueKind == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(v.GetString()!)
                : v.ValueKind == JsonValueKind.Number
                    ? Encoding.UTF8.GetBytes(v.GetRawText())
                    : throw new InputDataException($"Input '{name}' in step {step}: value {i} ({v.GetRawText()}) is not a string.", step, name);
            total += 4 + parts[i].Length;
        }

        var data = new byte[checked((int)total)];
        var offset = 0;
        foreach (var p in parts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(offset), p.Length);
            p.CopyTo(data, offset + 4);
            offset += 4 + p.Length;
        }

        return data;
    }
}

using System.Buffers.Binary;
using System.Text.Json;
using InferencePipeline.InferenceServer.Execution;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Converts between the REST protocol's JSON tensor "data" (flat or nested arrays of numbers/booleans) and
/// the flat little-endian bytes the request path runs on, so REST requests can take the same raw path as gRPC.
/// </summary>
internal static class JsonTensorData
{
    /// <summary>
    /// Writes the elements of <paramref name="data"/> (nested arrays are flattened in row-major order) into
    /// <paramref name="destination"/> and returns how many elements the JSON held; elements beyond the
    /// destination are counted but not written, so the caller can report the real count.
    /// </summary>
    public static long Write(JsonElement data, TensorDataType type, Span<byte> destination, string inputName)
    {
        long index = 0;
        WriteRecursive(data, type, destination, inputName, ref index);
        return index;
    }

    private static void WriteRecursive(JsonElement data, TensorDataType type, Span<byte> destination, string inputName, ref long index)
    {
        if (data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                WriteRecursive(item, type, destination, inputName, ref index);
            }
            return;
        }
        var offset = index * type.ElementSize;
        index++;
        if (offset + type.ElementSize > destination.Length)
        {
            return;
        }
        WriteElement(data, type, destination.Slice((int)offset, type.ElementSize), inputName);
    }

    private static void WriteElement(JsonElement value, TensorDataType type, Span<byte> target, string inputName)
    {
        try
        {
            switch (type.Name)
            {
                case "BOOL": target[0] = ReadBool(value) ? (byte)1 : (byte)0; break;
                case "INT8": target[0] = (byte)checked((sbyte)value.GetInt64()); break;
                case "INT16": BinaryPrimitives.WriteInt16LittleEndian(target, checked((short)value.GetInt64())); break;
                case "INT32": BinaryPrimitives.WriteInt32LittleEndian(target, value.GetInt32()); break;
                case "INT64": BinaryPrimitives.WriteInt64LittleEndian(target, value.GetInt64()); break;
                case "UINT8": target[0] = value.GetByte(); break;
                case "UINT16": BinaryPrimitives.WriteUInt16LittleEndian(target, value.GetUInt16()); break;
                case "UINT32": BinaryPrimitives.WriteUInt32LittleEndian(target, value.GetUInt32()); break;
                case "UINT64": BinaryPrimitives.WriteUInt64LittleEndian(target, value.GetUInt64()); break;
                case "FP16": BinaryPrimitives.WriteHalfLittleEndian(target, (Half)value.GetDouble()); break;
                case "FP32": BinaryPrimitives.WriteSingleLittleEndian(target, value.GetSingle()); break;
                case "FP64": BinaryPrimitives.WriteDoubleLittleEndian(target, value.GetDouble()); break;
                case "BF16":
                    // BF16 is the upper half of an FP32 (truncation, as most converters do without rounding).
                    BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(BitConverter.SingleToUInt32Bits(value.GetSingle()) >> 16));
                    break;
                default: throw InferenceException.Invalid($"datatype {type.Name} of input '{inputName}' cannot be sent as JSON data");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw InferenceException.Invalid(
                $"unable to parse 'data' of input '{inputName}': {value.GetRawText()} is not a valid {type.Name} value");
        }
    }

    private static bool ReadBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new InvalidOperationException("not a boolean"),
    };

    /// <summary>Writes the tensor bytes as a flat JSON array of <paramref name="type"/> values (Triton answers flat).</summary>
    public static void WriteJsonArray(Utf8JsonWriter writer, ReadOnlySpan<byte> source, TensorDataType type)
    {
        writer.WriteStartArray();
        var size = type.ElementSize;
        for (var offset = 0; offset + size <= source.Length; offset += size)
        {
            var e = source.Slice(offset, size);
            switch (type.Name)
            {
                case "BOOL": writer.WriteBooleanValue(e[0] != 0); break;
                case "INT8": writer.WriteNumberValue((sbyte)e[0]); break;
                case "INT16": writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(e)); break;
                case "INT32": writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(e)); break;
                case "INT64": writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(e)); break;
                case "UINT8": writer.WriteNumberValue(e[0]); break;
                case "UINT16": writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(e)); break;
                case "UINT32": writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(e)); break;
                case "UINT64": writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(e)); break;
                case "FP16": writer.WriteNumberValue((float)BinaryPrimitives.ReadHalfLittleEndian(e)); break;
                case "FP32": writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(e)); break;
                case "FP64": writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(e)); break;
                case "BF16": writer.WriteNumberValue(BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(e) << 16)); break;
                default: throw new InvalidOperationException($"{type.Name} has no JSON form");
            }
        }
        writer.WriteEndArray();
    }
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Converts between the REST protocol's JSON tensor "data" (flat or nested arrays of numbers/booleans, of strings
/// for BYTES) and the flat bytes the request path runs on (little-endian numbers; BYTES in Triton's length-prefixed
/// serialization), so REST requests can take the same raw path as gRPC.
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

    // Strict: a JSON string holding a lone surrogate ("\ud800") has no UTF-8 form and is refused, not replaced.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The UTF-8 bytes of each string of BYTES <paramref name="data"/> (nested arrays flattened row-major). JSON
    /// strings are text, so this form can only send UTF-8; arbitrary bytes go in the binary extension.
    /// </summary>
    public static List<byte[]> ReadStrings(JsonElement data, string inputName)
    {
        var values = new List<byte[]>();
        ReadStringsRecursive(data, inputName, values);
        return values;
    }

    private static void ReadStringsRecursive(JsonElement data, string inputName, List<byte[]> values)
    {
        if (data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                ReadStringsRecursive(item, inputName, values);
            }
            return;
        }
        if (data.ValueKind != JsonValueKind.String)
        {
            throw InferenceException.Invalid(
                $"unable to parse 'data' of input '{inputName}': {data.GetRawText()} is not a valid BYTES value (BYTES data are JSON strings)");
        }
        try
        {
            values.Add(StrictUtf8.GetBytes(data.GetString()!));
        }
        catch (Exception e) when (e is InvalidOperationException or EncoderFallbackException)
        {
            throw InferenceException.Invalid(
                $"unable to parse 'data' of input '{inputName}': {data.GetRawText()} is not valid Unicode text");
        }
    }

    /// <summary>
    /// Writes a serialized BYTES tensor as a flat JSON array of strings. An element that is not valid UTF-8 has
    /// no JSON string form: it is refused, naming the output, rather than altered (bytes must arrive unchanged).
    /// </summary>
    public static void WriteJsonStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> source, string outputName, string modelName)
    {
        writer.WriteStartArray();
        var reader = new BytesElementReader(source);
        var index = 0;
        while (reader.TryRead(out var element))
        {
            if (!Utf8.IsValid(element))
            {
                throw InferenceException.Invalid(
                    $"output '{outputName}' of model '{modelName}': element {index} is not valid UTF-8 and cannot be sent as a JSON string: request the output with the binary_data parameter");
            }
            writer.WriteStringValue(element);
            index++;
        }
        writer.WriteEndArray();
    }

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
                case "FP16": WriteFloat(writer, (float)BinaryPrimitives.ReadHalfLittleEndian(e)); break;
                case "FP32": WriteFloat(writer, BinaryPrimitives.ReadSingleLittleEndian(e)); break;
                case "FP64": WriteFloat(writer, BinaryPrimitives.ReadDoubleLittleEndian(e)); break;
                case "BF16": WriteFloat(writer, BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(e) << 16)); break;
                default: throw new InvalidOperationException($"{type.Name} has no JSON form");
            }
        }
        writer.WriteEndArray();
    }

    /// <summary>
    /// A float as a JSON number, or, for NaN and the infinities that JSON numbers cannot hold (a model may well output
    /// them), as the strings "NaN", "Infinity" and "-Infinity" that .NET's and JavaScript's readers take as those
    /// values, rather than failing the whole response.
    /// </summary>
    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
            return;
        }
        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    /// <inheritdoc cref="WriteFloat(Utf8JsonWriter, double)"/>
    /// <remarks>Single precision keeps its own shortest form ("0.1", not the double nearest to 0.1f).</remarks>
    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
            return;
        }
        WriteFloat(writer, (double)value);
    }
}

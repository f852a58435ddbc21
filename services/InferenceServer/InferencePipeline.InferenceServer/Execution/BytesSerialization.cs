using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// Triton's serialization of BYTES tensors, the form raw_input_contents / raw_output_contents and the REST binary
/// extension carry them in: each element a 4-byte little-endian length, then its bytes, elements back to back.
/// The request path keeps BYTES inputs in this form from decoding to the batch, so a batch of requests is still
/// just their buffers one after another. Elements are arbitrary bytes: nothing here (nor in ORT, which stores
/// them as std::string) assumes UTF-8.
/// </summary>
internal static class BytesSerialization
{
    private const int LengthSize = sizeof(uint);

    /// <summary>
    /// Counts the elements of a serialized buffer, refusing one that does not end exactly after a whole element
    /// (a length prefix cut short, a length running past the end) with a message naming the input.
    /// </summary>
    public static long CountElements(ReadOnlySpan<byte> buffer, string inputName, string modelName)
    {
        var reader = new BytesElementReader(buffer);
        long count = 0;
        while (reader.TryRead(out _))
        {
            count++;
        }
        if (reader.AtEnd)
        {
            return count;
        }
        var claimed = reader.PendingLength();
        var left = buffer.Length - reader.Offset;
        throw InferenceException.Invalid(claimed < 0
            ? $"input '{inputName}' of model '{modelName}' is BYTES: element {count} has an incomplete 4-byte length indicator ({left} bytes left at offset {reader.Offset})"
            : $"input '{inputName}' of model '{modelName}' is BYTES: element {count}'s byte size indicator ({claimed}) exceeds the end of the buffer ({left - LengthSize} bytes left at offset {reader.Offset + LengthSize})");
    }

    /// <summary>Bytes the serialized form of <paramref name="elements"/> takes.</summary>
    public static long SizeOf(RepeatedField<ByteString> elements)
    {
        long size = 0;
        foreach (var element in elements)
        {
            size += LengthSize + element.Length;
        }
        return size;
    }

    /// <summary>Serializes typed bytes_contents into <paramref name="destination"/> (exactly <see cref="SizeOf"/> bytes).</summary>
    public static void Write(RepeatedField<ByteString> elements, Span<byte> destination)
    {
        var offset = 0;
        foreach (var element in elements)
        {
            offset += WriteElement(element.Span, destination[offset..]);
        }
    }

    /// <summary>Writes one element (length, then bytes) and returns how many bytes that took.</summary>
    public static int WriteElement(ReadOnlySpan<byte> element, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)element.Length);
        element.CopyTo(destination[LengthSize..]);
        return LengthSize + element.Length;
    }

    /// <summary>Bytes one element of <paramref name="length"/> bytes takes serialized.</summary>
    public static int ElementSize(int length) => LengthSize + length;
}

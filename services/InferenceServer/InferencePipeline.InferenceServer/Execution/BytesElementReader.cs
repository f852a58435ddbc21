using System.Buffers.Binary;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// Walks a BYTES tensor in Triton's serialization (each element a 4-byte little-endian length, then that many
/// bytes) without copying: each element comes back as a slice of the buffer. A ref struct so walking the
/// elements of a request or a batch allocates nothing.
/// </summary>
internal ref struct BytesElementReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _offset;

    /// <summary>Where the next element's length prefix starts.</summary>
    public readonly int Offset => _offset;

    /// <summary>True when every byte has been read as part of a whole element.</summary>
    public readonly bool AtEnd => _offset == _buffer.Length;

    /// <summary>
    /// Reads the next element; false at the end of the buffer and also when the rest is not a whole element
    /// (fewer than 4 bytes of length, or a length running past the end), which <see cref="AtEnd"/> tells apart.
    /// </summary>
    public bool TryRead(out ReadOnlySpan<byte> element)
    {
        var left = _buffer.Length - _offset;
        if (left < sizeof(uint))
        {
            element = default;
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(_offset, sizeof(uint)));
        if (length > (uint)(left - sizeof(uint)))
        {
            element = default;
            return false;
        }
        element = _buffer.Slice(_offset + sizeof(uint), (int)length);
        _offset += sizeof(uint) + (int)length;
        return true;
    }

    /// <summary>The length the element at <see cref="Offset"/> claims, or -1 when not even its prefix is whole.</summary>
    public readonly long PendingLength() =>
        _buffer.Length - _offset < sizeof(uint) ? -1 : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(_offset, sizeof(uint)));
}

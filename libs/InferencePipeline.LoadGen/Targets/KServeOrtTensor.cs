using System.Buffers.Binary;
using InferencePipeline.KServe;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Turns request contents in KServe's raw layout (what <see cref="TensorDataFactory"/> and <see cref="InputDataEncoder"/>
/// produce: little-endian elements; BYTES as a 4-byte little-endian length, then the bytes) into an ORT tensor of
/// native memory, so the in-process target sends what the gRPC target would. Errors name the input.
/// </summary>
internal static class KServeOrtTensor
{
    public static OrtValue Create(string name, string dataType, long[] shape, ReadOnlySpan<byte> raw)
    {
        var type = TensorDataType.FromAnySpelling(dataType)
            ?? throw new NotSupportedException($"Input '{name}' has datatype '{dataType}', which the in-process target cannot build.");
        var elements = TensorDataFactory.ElementCount(name, shape);
        return type.IsBytes ? CreateStrings(name, shape, elements, raw) : CreateNumeric(name, type, shape, elements, raw);
    }

    private static OrtValue CreateNumeric(string name, TensorDataType type, long[] shape, long elements, ReadOnlySpan<byte> raw)
    {
        var expected = elements * type.ElementSize;
        if (raw.Length != expected)
        {
            throw new ArgumentException(
                $"Input '{name}' has {raw.Length} bytes of data; [{string.Join(", ", shape)}] {type} needs {expected}.", nameof(raw));
        }

        // ONNX Runtime numbers its element types as ONNX does.
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)type.OnnxElementType, shape);
        raw.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    /// <summary>
    /// ORT string tensors hold std::string in native memory and cannot wrap our buffer, so each element is copied
    /// in once, as bytes (no UTF-8 decoding on the way): the model gets exactly the bytes a server would.
    /// </summary>
    private static OrtValue CreateStrings(string name, long[] shape, long elements, ReadOnlySpan<byte> raw)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        try
        {
            var offset = 0;
            for (var index = 0; index < elements; index++)
            {
                if (raw.Length - offset < sizeof(uint))
                {
                    throw new ArgumentException(
                        $"BYTES input '{name}' holds {index} elements; [{string.Join(", ", shape)}] needs {elements}.", nameof(raw));
                }

                var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[offset..]);
                offset += sizeof(uint);
                if (length > (uint)(raw.Length - offset))
                {
                    throw new ArgumentException(
                        $"BYTES input '{name}': element {index} claims {length} bytes but only {raw.Length - offset} are left.", nameof(raw));
                }

                value.StringTensorSetElementAt(raw.Slice(offset, (int)length), index);
                offset += (int)length;
            }

            if (offset != raw.Length)
            {
                throw new ArgumentException(
                    $"BYTES input '{name}' has {raw.Length - offset} bytes after its {elements} elements ([{string.Join(", ", shape)}]).", nameof(raw));
            }

            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }
}

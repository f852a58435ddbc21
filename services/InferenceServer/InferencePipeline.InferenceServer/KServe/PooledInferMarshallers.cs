using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.KServe;

/// <summary>
/// ModelInfer's wire format without per-request copies of the tensors. The generated marshaller gives every
/// <c>raw_input_contents</c> entry and every output its own new array, so the server's allocations grew with the
/// tensor (2 MiB per request for a 1 MiB identity model). Here the request payload is copied once into a pooled
/// array and the raw inputs become views of it (the other fields parse as usual); the response's raw outputs are
/// views of the pooled array the model instance filled, returned to the pool once they are on the wire.
/// </summary>
internal static class PooledInferMarshallers
{
    /// <summary>raw_input_contents = 7, length-delimited (KServe v2 grpc_service.proto).</summary>
    private const uint RawInputContentsTag = (7 << 3) | 2;

    public static Marshaller<ModelInferRequest> Request { get; } = Marshallers.Create(
        serializer: static (message, context) =>
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        deserializer: Deserialize);

    public static Marshaller<ModelInferResponse> Response { get; } = Marshallers.Create(
        serializer: static (message, context) =>
        {
            try
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            }
            finally
            {
                if (message.RentedOutputBuffer is { } rented)
                {
                    message.RentedOutputBuffer = null;
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        },
        deserializer: static context => ModelInferResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    private static ModelInferRequest Deserialize(DeserializationContext context)
    {
        var length = context.PayloadLength;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            context.PayloadAsReadOnlySequence().CopyTo(buffer);
            var request = new ModelInferRequest();
            ParseInto(request, buffer, length);
            request.ReceiveBuffer = buffer;
            return request;
        }
        catch (InvalidProtocolBufferException e)
        {
            // What the generated parser finds wrong inside the ordinary fields is as much the client's fault as what the
            // walk above finds: INVALID_ARGUMENT, not the UNKNOWN gRPC makes of an exception from a deserializer.
            ArrayPool<byte>.Shared.Return(buffer);
            throw Malformed(e.Message);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Walks the top-level fields: runs of ordinary fields are merged with the generated parser (usually one run,
    /// as fields 1–6 come before 7 on the wire), raw inputs become views of <paramref name="buffer"/>.
    /// </summary>
    private static void ParseInto(ModelInferRequest request, byte[] buffer, int length)
    {
        var data = buffer.AsSpan(0, length);
        var position = 0;
        var runStart = 0;
        while (position < length)
        {
            var fieldStart = position;
            var tag = ReadVarint(data, ref position);
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(data, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var size = ReadVarint(data, ref position);
                    if (size > (ulong)(length - position))
                    {
                        throw Malformed(
                            $"a field of {size} bytes runs past the end of the {length}-byte ModelInferRequest");
                    }

                    if (tag == RawInputContentsTag)
                    {
                        Merge(request, buffer, runStart, fieldStart);
                        request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(position, (int)size)));
                        runStart = position + (int)size;
                    }

                    position += (int)size;
                    break;
                default:
                    throw Malformed($"ModelInferRequest holds a field of unsupported wire type {tag & 7}");
            }
        }

        if (position != length)
        {
            throw Malformed("ModelInferRequest ends in the middle of a field");
        }

        Merge(request, buffer, runStart, length);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw Malformed("ModelInferRequest ends in the middle of a varint");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed("ModelInferRequest holds a malformed varint");
    }

    /// <summary>A request that is not a valid ModelInferRequest: the client's fault, said as such.</summary>
    private static RpcException Malformed(string problem) => new(new Status(StatusCode.InvalidArgument, $"malformed request: {problem}"));

    private static void Merge(ModelInferRequest request, byte[] buffer, int start, int end)
    {
        if (end > start)
        {
            request.MergeFrom(buffer, start, end - start);
        }
    }
}

using System.Buffers;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Reads a request body into one pooled array (tensor bytes are then used in place, not copied again).
/// The caller returns <see cref="Array"/> to <see cref="ArrayPool{T}.Shared"/> once the response is written.
/// </summary>
internal readonly record struct RequestBodyBuffer(byte[] Array, int Length)
{
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    public static async Task<RequestBodyBuffer> ReadAsync(HttpContext context, long limit)
    {
        // Kestrel's own 30 MB default would refuse big tensors before we can name our configured limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }
        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            throw TooLarge(declared.Value, limit);
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(declared ?? 4096, 1));
        var length = 0;
        try
        {
            var body = context.Request.Body;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        throw TooLarge(length + 1, limit);
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > limit)
                {
                    throw TooLarge(length, limit);
                }
            }
            return new RequestBodyBuffer(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static InferenceException TooLarge(long size, long limit) => new(StatusCode.ResourceExhausted,
        $"request body of {size} bytes or more exceeds the server's limit of {limit} bytes (derived from MaxRequestBytes)");
}

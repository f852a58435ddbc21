using System.Buffers;
using System.IO.Compression;
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
        var body = DecodedBody(context.Request);
        // A compressed body's declared length says nothing about its size once inflated.
        var declared = ReferenceEquals(body, context.Request.Body) ? context.Request.ContentLength : null;
        if (declared > limit)
        {
            throw TooLarge(declared.Value, limit);
        }
        // One byte more than declared, so the read that sees the end of the body needs no bigger buffer.
        var buffer = ArrayPool<byte>.Shared.Rent((int)((declared ?? 4095) + 1));
        var length = 0;
        try
        {
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
        catch (InvalidDataException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw InferenceException.Invalid($"the request body is not valid {context.Request.Headers.ContentEncoding} data: {e.Message}");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            if (!ReferenceEquals(body, context.Request.Body))
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Triton's clients may gzip or deflate the request (Content-Encoding); Inference-Header-Content-Length then
    /// counts bytes of the inflated body, so it is inflated here, before anything is parsed.
    /// </summary>
    private static Stream DecodedBody(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return request.Body;
        }
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            return new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        }
        if (encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase))
        {
            return new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        }
        throw InferenceException.Invalid($"unsupported Content-Encoding '{encoding}': send the body as is, gzip or deflate");
    }

    private static InferenceException TooLarge(long size, long limit) => new(StatusCode.ResourceExhausted,
        $"request body of {size} bytes or more exceeds the server's limit of {limit} bytes (derived from MaxRequestBytes)");
}

using Grpc.Core;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// The bytes of request bodies the server holds, from receiving a request to answering it, counted server-wide so
/// memory stays bounded when many large requests arrive at once (<see cref="InferenceServerOptions.MaxInFlightBytes"/>).
/// Queue limits bound how many requests wait; this bounds what they weigh. One Interlocked add per request and
/// one per answer, nothing allocated unless a request is refused.
/// </summary>
internal sealed class InFlightRequestBytes(IOptions<InferenceServerOptions> options)
{
    private readonly long _limit = options.Value.MaxInFlightBytes;
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>
    /// Counts <paramref name="bytes"/> as held; false (and nothing counted) when that would pass the limit. A request
    /// alone always fits (MaxRequestBytes bounds its size), so a limit below one request refuses only concurrency.
    /// </summary>
    public bool TryReserve(long bytes)
    {
        if (bytes <= 0)
        {
            return true;
        }
        var held = Interlocked.Add(ref _held, bytes);
        if (held > _limit && held != bytes)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }
        return true;
    }

    /// <summary>The UNAVAILABLE answer for a request <see cref="TryReserve"/> refused.</summary>
    public InferenceException Refusal(long bytes) => new(StatusCode.Unavailable,
        $"the server holds {Held} bytes of requests in flight and this request's {bytes} would pass its limit of {_limit} " +
        "(InferenceServer:MaxInFlightBytes, --max-in-flight-bytes); retry later");

    /// <summary>Gives back what <see cref="Reserve"/> counted.</summary>
    public void Release(long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _held, -bytes);
        }
    }
}

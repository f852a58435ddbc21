using System.Diagnostics;
using Inference;

namespace InferencePipeline.InferenceServer.Scheduling;

/// <summary>
/// How a model's request queue is bounded, resolved once at load: Triton's
/// <c>dynamic_batching { default_queue_policy { max_queue_size, timeout_action, default_timeout_microseconds,
/// allow_timeout_override } }</c>, with the server's own queue limit (<see cref="InferenceServerOptions.MaxQueueSize"/>)
/// where the config sets no <c>max_queue_size</c>, so no queue grows without bound under overload.
/// </summary>
/// <remarks>
/// Triton's rules, kept as they are: a full queue refuses the request at once; a request's timeout counts from when it
/// was queued, and one that is still waiting when it expires is refused (REJECT) or served after every request that has
/// not expired (DELAY); with <c>allow_timeout_override</c> a request's <c>timeout</c> parameter (microseconds) applies
/// when it is non-zero and shorter than the default, so without a default timeout there is none to shorten.
/// </remarks>
internal sealed class QueuePolicy
{
    /// <summary>The request parameter that shortens the timeout (Triton's schedule_policy extension).</summary>
    public const string TimeoutParameter = "timeout";

    private QueuePolicy(int maxQueueSize, bool maxQueueSizeFromConfig, ulong defaultTimeoutMicroseconds, bool allowTimeoutOverride,
        bool delayOnTimeout)
    {
        MaxQueueSize = maxQueueSize;
        MaxQueueSizeFromConfig = maxQueueSizeFromConfig;
        DefaultTimeoutMicroseconds = defaultTimeoutMicroseconds;
        AllowTimeoutOverride = allowTimeoutOverride;
        DelayOnTimeout = delayOnTimeout;
    }

    /// <summary>Requests the queue holds at most; 0 when unbounded.</summary>
    public int MaxQueueSize { get; }

    /// <summary>Whether <see cref="MaxQueueSize"/> is the config's own (otherwise the server's default).</summary>
    public bool MaxQueueSizeFromConfig { get; }

    public ulong DefaultTimeoutMicroseconds { get; }

    public bool AllowTimeoutOverride { get; }

    /// <summary>TIMEOUT_ACTION DELAY: an expired request waits behind the others instead of being refused.</summary>
    public bool DelayOnTimeout { get; }

    /// <summary>Whether requests can expire at all; false keeps the request path free of any clock reads for timeouts.</summary>
    public bool HasTimeouts => DefaultTimeoutMicroseconds > 0;

    /// <param name="policy">The config's <c>dynamic_batching.default_queue_policy</c>; null when the model has none or
    /// does not batch dynamically (as in Triton, the queue policy belongs to the dynamic batcher).</param>
    /// <param name="serverMaxQueueSize">The server's limit for a queue the config does not bound; 0 leaves it unbounded.</param>
    public static QueuePolicy From(ModelQueuePolicy? policy, int serverMaxQueueSize)
    {
        if (policy is null)
        {
            return new QueuePolicy(serverMaxQueueSize, false, 0, false, false);
        }
        if (!Enum.IsDefined(policy.TimeoutAction))
        {
            throw InferenceException.Invalid(
                $"dynamic_batching.default_queue_policy.timeout_action {(int)policy.TimeoutAction} is not REJECT or DELAY");
        }
        var fromConfig = policy.MaxQueueSize > 0;
        // uint32 in the config; beyond int.MaxValue it bounds nothing a process could hold anyway.
        var maxQueueSize = fromConfig ? (int)Math.Min(policy.MaxQueueSize, int.MaxValue) : serverMaxQueueSize;
        return new QueuePolicy(maxQueueSize, fromConfig, policy.DefaultTimeoutMicroseconds, policy.AllowTimeoutOverride,
            policy.TimeoutAction == ModelQueuePolicy.Types.TimeoutAction.Delay);
    }

    /// <summary>
    /// The Stopwatch timestamp after which the request has expired, or 0 when it cannot expire. A <c>timeout</c>
    /// parameter of the wrong type or sign is refused, as Triton refuses it.
    /// </summary>
    public long DeadlineFor(ModelInferRequest request, long enqueuedTimestamp)
    {
        if (!HasTimeouts)
        {
            return 0;
        }
        var microseconds = DefaultTimeoutMicroseconds;
        if (AllowTimeoutOverride && request.Parameters.TryGetValue(TimeoutParameter, out var parameter))
        {
            if (parameter.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.Int64Param || parameter.Int64Param < 0)
            {
                throw InferenceException.Invalid(
                    $"the '{TimeoutParameter}' parameter of request '{request.Id}' must be an int64_param of microseconds >= 0");
            }
            var requested = (ulong)parameter.Int64Param;
            if (requested != 0 && requested < microseconds)
            {
                microseconds = requested;
            }
        }
        // A timeout beyond what the clock can count is no timeout.
        var ticks = microseconds > (ulong)(long.MaxValue / Stopwatch.Frequency) ? long.MaxValue / 2 : (long)microseconds * Stopwatch.Frequency / 1_000_000;
        return enqueuedTimestamp + Math.Max(1, ticks);
    }

    /// <summary>Triton's answer for a full queue, with the numbers and the setting that bounds it.</summary>
    public InferenceException QueueFull(ModelInferRequest request, string model) => new(Grpc.Core.StatusCode.Unavailable,
        $"{RequestPrefix(request)}Exceeds maximum queue size: model '{model}' already has {MaxQueueSize} requests waiting " +
        (MaxQueueSizeFromConfig
            ? "(its dynamic_batching.default_queue_policy.max_queue_size); retry later"
            : "(the server's InferenceServer:MaxQueueSize, as its config sets no dynamic_batching.default_queue_policy.max_queue_size); retry later"));

    /// <summary>Triton's answer for a request that waited past its timeout.</summary>
    public static InferenceException TimedOut(ModelInferRequest request, string model, long waitedTicks) => new(Grpc.Core.StatusCode.Unavailable,
        $"{RequestPrefix(request)}Request timeout expired: it waited {waitedTicks * 1000.0 / Stopwatch.Frequency:0.###} ms in the queue of model '{model}' " +
        "(dynamic_batching.default_queue_policy sets the timeout and what happens then)");

    /// <summary>Triton starts request-specific messages with the request's id when it has one.</summary>
    public static string RequestPrefix(ModelInferRequest request) =>
        string.IsNullOrEmpty(request.Id) ? "" : $"[request id: {request.Id}] ";
}

using System.Buffers;
using System.Threading.Tasks.Sources;
using Google.Protobuf.Collections;
using Inference;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// One inference request on its way through queue, batch and instance. Pooled per model (see
/// <see cref="LoadedModel"/>) and awaited through <see cref="IValueTaskSource"/> so the request path
/// allocates no task, completion source or per-input arrays.
/// </summary>
internal sealed class InferenceJob : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };

    public InferenceJob(int inputCount, int outputCount)
    {
        InputData = new ReadOnlyMemory<byte>[inputCount];
        InputShapes = new RepeatedField<long>[inputCount];
        RentedBuffers = new byte[]?[inputCount];
        OutputOrder = new int[outputCount];
    }

    public ModelInferRequest Request { get; set; } = null!;

    /// <summary>Rows this request contributes to a batch (1 for models that do not batch).</summary>
    public int BatchSize { get; set; }

    /// <summary>Input bytes in config order: the request's raw bytes, or a rented buffer filled from typed contents.</summary>
    public ReadOnlyMemory<byte>[] InputData { get; }

    /// <summary>Request shapes in config order (the request's own fields, not copies).</summary>
    public RepeatedField<long>[] InputShapes { get; }

    public byte[]?[] RentedBuffers { get; }

    /// <summary>Config output indexes in the order the response lists them.</summary>
    public int[] OutputOrder { get; }

    public int OutputCount { get; set; }

    /// <summary>Answer with raw_output_contents (Triton's way) or with typed contents (when the request used them).</summary>
    public bool RawOutput { get; set; }

    public long EnqueuedTimestamp { get; set; }

    /// <summary>Stopwatch timestamp after which the request, if still waiting, has expired (its model's queue policy); 0 never.</summary>
    public long Deadline { get; set; }

    /// <summary>The caller's cancellation (a cancelled call or stream): a job cancelled while queued is not run.</summary>
    public CancellationToken Cancellation { get; set; }

    public ModelInferResponse? Response { get; set; }

    public Exception? Error { get; private set; }

    public ValueTask Completion => new(this, _completion.Version);

    public void Succeed(ModelInferResponse response)
    {
        Response = response;
        _completion.SetResult(true);
    }

    public void Fail(Exception error)
    {
        Error = error;
        _completion.SetResult(false);
    }

    /// <summary>Gives rented buffers back and clears references so a pooled job holds nothing alive.</summary>
    public void Reset()
    {
        for (var i = 0; i < RentedBuffers.Length; i++)
        {
            if (RentedBuffers[i] is { } rented)
            {
                ArrayPool<byte>.Shared.Return(rented);
                RentedBuffers[i] = null;
            }
            InputData[i] = default;
            InputShapes[i] = null!;
        }
        Request = null!;
        Deadline = 0;
        Cancellation = default;
        Response = null;
        Error = null;
        OutputCount = 0;
        _completion.Reset();
    }

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _completion.OnCompleted(continuation, state, token, flags);
}

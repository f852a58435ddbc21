using System.Runtime.ExceptionServices;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Execution;

namespace InferencePipeline.InferenceServer.KServe;

/// <summary>
/// One <c>ModelStreamInfer</c> call, Triton's way: every request read from the stream gets one response,
/// carrying <c>infer_response</c> or, for a request that fails, <c>error_message</c> (plus the request's id,
/// model and version in <c>infer_response</c> so a client can tell which one failed). A failed request does
/// not end the stream. Requests run concurrently, so the dynamic batcher can put requests of one stream into
/// one batch; responses go out as they finish, one write at a time (gRPC allows one write in flight), and
/// clients match them by id. When the call is cancelled, reading stops, queued requests are dropped from
/// their batches and nothing more is written; the call returns once every started request has finished.
/// </summary>
internal sealed class ModelStreamInferCall
{
    // Back-pressure: a client that writes faster than the model serves waits here instead of queueing
    // without bound. Far above any batch size, so it never limits batching.
    private const int MaxInFlight = 512;

    private readonly InferenceRunner _runner;
    private readonly IServerStreamWriter<ModelStreamInferResponse> _responses;
    private readonly CancellationToken _cancellation;
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Started requests plus one for the reader, so the count reaches zero only after reading has ended.
    private int _pending = 1;
    private Exception? _writeFailure;

    private ModelStreamInferCall(InferenceRunner runner, IServerStreamWriter<ModelStreamInferResponse> responses, CancellationToken cancellation)
    {
        _runner = runner;
        _responses = responses;
        _cancellation = cancellation;
    }

    public static Task RunAsync(InferenceRunner runner, IAsyncStreamReader<ModelInferRequest> requests,
        IServerStreamWriter<ModelStreamInferResponse> responses, CancellationToken cancellation) =>
        new ModelStreamInferCall(runner, responses, cancellation).ReadAllAsync(requests);

    private async Task ReadAllAsync(IAsyncStreamReader<ModelInferRequest> requests)
    {
        try
        {
            while (await requests.MoveNext(_cancellation).ConfigureAwait(false))
            {
                await _slots.WaitAsync(_cancellation).ConfigureAwait(false);
                Interlocked.Increment(ref _pending);
                // Runs synchronously up to the queue, so requests are decoded and queued in stream order.
                _ = ServeAsync(requests.Current);
            }
        }
        catch (Exception e) when (_cancellation.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The client cancelled or went away: there is no one left to answer.
        }
        finally
        {
            // gRPC forbids writes after the handler returns: wait for every started request to be answered.
            FinishOne();
            await _drained.Task.ConfigureAwait(false);
        }

        if (_writeFailure is not null && !_cancellation.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(_writeFailure);
        }
    }

    /// <summary>Runs one request and writes its answer; never throws, so one request cannot end the stream.</summary>
    private async Task ServeAsync(ModelInferRequest request)
    {
        try
        {
            ModelStreamInferResponse reply;
            try
            {
                // The request's own message is what it keeps alive until answered: counted against the in-flight limit.
                if (!_runner.InFlight.TryReserve(request.CalculateSize()))
                {
                    throw _runner.InFlight.Refusal(request.CalculateSize());
                }
                try
                {
                    reply = new ModelStreamInferResponse { InferResponse = await _runner.InferAsync(request, _cancellation).ConfigureAwait(false) };
                }
                finally
                {
                    _runner.InFlight.Release(request.CalculateSize());
                }
            }
            catch (Exception e)
            {
                reply = Failure(request, e);
            }

            await WriteAsync(reply).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
            FinishOne();
        }
    }

    private static ModelStreamInferResponse Failure(ModelInferRequest request, Exception error) => new()
    {
        ErrorMessage = error is InferenceException ? error.Message : $"inference failed: {error.Message}",
        InferResponse = new ModelInferResponse { Id = request.Id, ModelName = request.ModelName, ModelVersion = request.ModelVersion },
    };

    private async Task WriteAsync(ModelStreamInferResponse reply)
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writeFailure is null && !_cancellation.IsCancellationRequested)
            {
                await _responses.WriteAsync(reply).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // The stream is broken; later answers are dropped and the call reports this failure.
            _writeFailure = e;
        }
        finally
        {
            _writeGate.Release();
            // The write serialized the outputs (or never will): their pooled array can go back.
            if (reply.InferResponse?.RentedOutputBuffer is { } rented)
            {
                reply.InferResponse.RentedOutputBuffer = null;
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void FinishOne()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _drained.TrySetResult();
        }
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Telemetry;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// One execution instance (Triton's instance_group member): its own ORT session and its own pinned input
/// buffers, reused from batch to batch. With dynamic batching the scheduler fills <see cref="Batch"/> and posts
/// it to the instance's own thread (<see cref="InstanceThread"/>); when the batch is done the instance puts itself
/// back on the free list. Without it, the scheduler's per-instance loop calls <see cref="RunBatch"/> directly.
/// </summary>
internal sealed class ModelInstance : IDisposable
{
    private readonly ModelDefinition _model;
    private readonly InferenceSession _session;
    private readonly ModelStatisticsRecorder _statistics;
    private readonly ChannelWriter<ModelInstance> _freeInstances;
    private readonly RunOptions _runOptions = new();
    private readonly byte[][] _inputBuffers;
    private readonly long[][] _inputShapes;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;
    private readonly long[][] _outputShapes;
    private readonly KeyValuePair<string, object?> _modelTag;
    private readonly object _gate = new();
    private bool _disposed;

    private readonly InstanceThread? _thread;

    public ModelInstance(ModelDefinition model, InferenceSession session, ModelStatisticsRecorder statistics,
        ChannelWriter<ModelInstance> freeInstances, int index)
    {
        _model = model;
        _session = session;
        _statistics = statistics;
        _freeInstances = freeInstances;
        _inputBuffers = model.Inputs.Select(_ => GC.AllocateUninitializedArray<byte>(4096, pinned: true)).ToArray();
        _inputShapes = model.Inputs.Select(i => new long[i.Dims.Length + (model.Batching ? 1 : 0)]).ToArray();
        _inputValues = new OrtValue[model.Inputs.Length];
        _outputValues = new OrtValue[model.Outputs.Length];
        _outputShapes = new long[model.Outputs.Length][];
        _modelTag = new("model", model.Name);
        Batch = new InferenceJob[Math.Max(1, model.TargetBatchSize)];
        if (model.DynamicBatching)
        {
            _thread = new InstanceThread(this, $"{model.Name}:{model.Version}#{index}");
        }
    }

    /// <summary>The requests of the next execution, filled by the scheduler while it holds this instance.</summary>
    public InferenceJob[] Batch { get; }

    public int BatchCount { get; set; }

    /// <summary>Runs the filled batch on this instance's thread (dynamic batching only).</summary>
    public void Post()
    {
        if (_thread is null)
        {
            throw new InvalidOperationException($"instance of '{_model.Name}' has no thread of its own: without dynamic batching its loop calls RunBatch");
        }
        _thread.Post();
    }

    /// <summary>Runs the batch, then offers this instance to the scheduler again.</summary>
    public void RunBatchAndFree()
    {
        RunBatch();
        _freeInstances.TryWrite(this);
    }

    /// <summary>Runs the jobs in <see cref="Batch"/> as one ORT execution and completes each with its own slice.</summary>
    public void RunBatch()
    {
        if (DropCancelled() == 0)
        {
            return;
        }

        var jobs = Batch.AsSpan(0, BatchCount);
        var start = Stopwatch.GetTimestamp();
        var rows = 0;
        foreach (var job in jobs)
        {
            _statistics.RecordQueue(start - job.EnqueuedTimestamp);
            rows += job.BatchSize;
        }

        Exception? error = null;
        lock (_gate)
        {
            try
            {
                if (_disposed)
                {
                    throw new InferenceException(StatusCode.Unavailable, $"model '{_model.Name}' was unloaded before the request ran");
                }
                CreateInputs(jobs, rows);
                var inputEnd = Stopwatch.GetTimestamp();
                using var outputs = _session.Run(_runOptions, _model.InputNames, _inputValues, _model.OutputNames);
                var inferEnd = Stopwatch.GetTimestamp();
                ReadOutputs(outputs, rows);
                var row = 0;
                foreach (var job in jobs)
                {
                    job.Response = BuildResponse(job, row);
                    row += job.BatchSize;
                }
                var end = Stopwatch.GetTimestamp();
                _statistics.RecordExecution(jobs.Length, rows, inputEnd - start, inferEnd - inputEnd, end - inferEnd);
                InferenceServerTelemetry.BatchSize.Record(rows, _modelTag);
            }
            catch (InferenceException e)
            {
                error = e;
            }
            catch (OnnxRuntimeException e) when (e.Message.StartsWith("[ErrorCode:InvalidArgument]", StringComparison.Ordinal))
            {
                // ONNX Runtime refuses the inputs themselves (a shape the config allows but the model does not): the
                // request's mistake, said as such, not the server's. The code is only in the message (docs/platform-facts.md).
                error = new InferenceException(StatusCode.InvalidArgument,
                    $"onnxruntime refused the inputs of model '{_model.Name}' (batch of {rows}): {e.Message}", e);
            }
            catch (Exception e)
            {
                error = new InferenceException(StatusCode.Internal,
                    $"onnxruntime failed to run model '{_model.Name}' on a batch of {rows}: {e.Message}", e);
            }
            finally
            {
                for (var i = 0; i < _inputValues.Length; i++)
                {
                    _inputValues[i]?.Dispose();
                    _inputValues[i] = null!;
                }
                Array.Clear(_outputValues);
            }
        }

        foreach (var job in jobs)
        {
            if (error is null)
            {
                job.Succeed(job.Response!);
            }
            else
            {
                job.Fail(error);
            }
        }
        jobs.Clear();
        BatchCount = 0;
    }

    /// <summary>
    /// Fails the jobs whose caller has gone (a cancelled stream or call) instead of running them, and closes
    /// the gaps; returns how many are left. One token check per job when nothing is cancelled.
    /// </summary>
    private int DropCancelled()
    {
        var kept = 0;
        for (var i = 0; i < BatchCount; i++)
        {
            var job = Batch[i];
            if (job.Cancellation.IsCancellationRequested)
            {
                // Built before Fail: once failed, the job may be reset and reused by its caller.
                var error = InferenceRunner.Cancelled(job.Request, _model.Name);
                job.Fail(error);
                continue;
            }
            Batch[kept++] = job;
        }
        Batch.AsSpan(kept, BatchCount - kept).Clear();
        BatchCount = kept;
        return kept;
    }

    /// <summary>Concatenates the jobs' inputs along dim 0 into this instance's pinned buffers and wraps them as ORT tensors.</summary>
    private void CreateInputs(Span<InferenceJob> jobs, int rows)
    {
        for (var i = 0; i < _inputValues.Length; i++)
        {
            if (_model.Inputs[i].Type!.IsBytes)
            {
                _inputValues[i] = StringTensors.CreateInput(jobs, i, BatchShape(jobs, i, rows));
                continue;
            }
            var total = 0;
            foreach (var job in jobs)
            {
                total += job.InputData[i].Length;
            }
            var buffer = _inputBuffers[i];
            if (buffer.Length < total)
            {
                buffer = _inputBuffers[i] = GC.AllocateUninitializedArray<byte>(Math.Max(total, buffer.Length * 2), pinned: true);
            }
            var offset = 0;
            foreach (var job in jobs)
            {
                var data = job.InputData[i].Span;
                data.CopyTo(buffer.AsSpan(offset));
                offset += data.Length;
            }

            _inputValues[i] = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                (TensorElementType)_model.Inputs[i].Type!.OnnxElementType, BatchShape(jobs, i, rows), Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0), total);
        }
    }

    /// <summary>The shape of input <paramref name="i"/> for the whole batch: the first request's, with the batch's row count.</summary>
    private long[] BatchShape(Span<InferenceJob> jobs, int i, int rows)
    {
        var shape = _inputShapes[i];
        jobs[0].InputShapes[i].CopyTo(shape, 0);
        if (_model.Batching)
        {
            shape[0] = rows;
        }
        return shape;
    }

    private void ReadOutputs(IReadOnlyCollection<OrtValue> outputs, int rows)
    {
        var o = 0;
        foreach (var value in outputs)
        {
            _outputValues[o] = value;
            var shape = _outputShapes[o] = value.GetTensorTypeAndShape().Shape;
            if (_model.Batching && (shape.Length == 0 || shape[0] != rows))
            {
                throw new InferenceException(StatusCode.Internal,
                    $"output '{_model.OutputNames[o]}' of model '{_model.Name}' has shape {ConfigTensor.Format(shape)}, expected batch dimension {rows}");
            }
            o++;
        }
    }

    /// <summary>Bytes of this job's rows over its requested numeric outputs (BYTES outputs are serialized on their own).</summary>
    private int NumericOutputBytes(InferenceJob job)
    {
        long total = 0;
        for (var k = 0; k < job.OutputCount; k++)
        {
            var o = job.OutputOrder[k];
            if (_model.Outputs[o].Type is { IsBytes: true })
            {
                continue;
            }

            long bytes = _outputValues[o].GetTensorMutableRawData().Length;
            var shape = _outputShapes[o];
            total += _model.Batching ? bytes / shape[0] * job.BatchSize : bytes;
        }

        return checked((int)total);
    }

    private ModelInferResponse BuildResponse(InferenceJob job, int rowStart)
    {
        var response = new ModelInferResponse { ModelName = _model.Name, ModelVersion = _model.Version, Id = job.Request.Id };
        var raw = job.RawOutput || _model.OutputsNeedRaw;
        // Raw numeric outputs are copied into one pooled array and sent as views of it; the writer of the
        // response returns the array, so the request path allocates nothing in proportion to the tensors.
        var rawOffset = 0;
        if (raw)
        {
            var rawBytes = NumericOutputBytes(job);
            if (rawBytes > 0)
            {
                response.RentedOutputBuffer = ArrayPool<byte>.Shared.Rent(rawBytes);
            }
        }

        for (var k = 0; k < job.OutputCount; k++)
        {
            var o = job.OutputOrder[k];
            var spec = _model.Outputs[o];
            var shape = _outputShapes[o];
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = spec.Name, Datatype = spec.DataTypeName };
            if (spec.Type is { IsBytes: true })
            {
                StringTensors.AddOutput(response, tensor, _outputValues[o], shape, _model.Batching, rowStart, job.BatchSize, raw);
                continue;
            }
            var data = (ReadOnlySpan<byte>)_outputValues[o].GetTensorMutableRawData();
            if (_model.Batching)
            {
                var rowBytes = data.Length / shape[0];
                data = data.Slice((int)(rowStart * rowBytes), (int)(job.BatchSize * rowBytes));
                tensor.Shape.Add(job.BatchSize);
                for (var d = 1; d < shape.Length; d++)
                {
                    tensor.Shape.Add(shape[d]);
                }
            }
            else
            {
                tensor.Shape.Add(shape);
            }

            if (raw)
            {
                var destination = response.RentedOutputBuffer.AsMemory(rawOffset, data.Length);
                data.CopyTo(destination.Span);
                rawOffset += data.Length;
                response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(destination));
            }
            else
            {
                tensor.Contents = new InferTensorContents();
                TypedContents.Write(data, spec.Type!, tensor.Contents);
            }
            response.Outputs.Add(tensor);
        }
        return response;
    }

    /// <summary>Waits for a running batch to finish, then frees the session.</summary>
    public void Dispose()
    {
        // First the thread, which finishes a batch already posted to it; then the session under the gate.
        _thread?.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _session.Dispose();
            _runOptions.Dispose();
        }
    }
}

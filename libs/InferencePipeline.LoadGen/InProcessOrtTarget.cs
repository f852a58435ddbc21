using InferencePipeline.Contracts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.LoadGen;

/// <summary>
/// An ONNX Runtime session called directly, with no server in between: the ORT tuner's target and the
/// baseline the embedded server is compared to. Inputs are native tensors built once and shared (ORT never
/// writes its inputs); each worker thread gets its own <see cref="OrtIoBinding"/> with preallocated outputs,
/// so a request is one <c>RunWithBinding</c> call with nothing allocated on the managed heap.
/// </summary>
/// <remarks>
/// <see cref="InferAsync"/> runs synchronously on the calling thread; the load generator gives each worker
/// its own thread, so concurrency N really is N runs at once.
/// </remarks>
public sealed class InProcessOrtTarget : IInferenceTarget, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly OutputLayout?[] _outputLayouts;
    private readonly ThreadLocal<WorkerBinding> _bindings;
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    /// <param name="session">The session to run (the caller keeps ownership).</param>
    /// <param name="inputs">The model's inputs; a -1 first dimension is the batch dimension.</param>
    /// <param name="batchSize">Samples per request.</param>
    /// <param name="mode">Synthetic data kind.</param>
    /// <param name="shapes">Sizes for other dynamic dimensions, without the batch dimension (perf_analyzer --shape).</param>
    public InProcessOrtTarget(
        InferenceSession session,
        IReadOnlyList<TensorSpec> inputs,
        int batchSize = 1,
        InputDataMode mode = InputDataMode.Random,
        IReadOnlyDictionary<string, long[]>? shapes = null,
        int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("At least one input is needed.", nameof(inputs));
        }

        foreach (var spec in inputs)
        {
            if (!session.InputMetadata.ContainsKey(spec.Name))
            {
                throw new ArgumentException(
                    $"The model has no input '{spec.Name}'; its inputs are: {string.Join(", ", session.InputMetadata.Keys)}.", nameof(inputs));
            }
        }

        _session = session;
        BatchSize = batchSize;
        var random = new Random(seed);
        _inputNames = inputs.Select(i => i.Name).ToArray();
        _inputs = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                _inputs[i] = CreateInput(inputs[i], batchSize, mode, shapes, random);
            }

            _outputNames = session.OutputNames.ToArray();
            _outputLayouts = ProbeOutputs();
        }
        catch
        {
            DisposeInputs();
            throw;
        }

        _bindings = new ThreadLocal<WorkerBinding>(CreateBinding, trackAllValues: true);
    }

    public int BatchSize { get; }

    public ValueTask InferAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var binding = _bindings.Value!;
        _session.RunWithBinding(_runOptions, binding.IoBinding);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var binding in _bindings.Values)
        {
            binding.Dispose();
        }

        _bindings.Dispose();
        DisposeInputs();
        _runOptions.Dispose();
    }

    private static OrtValue CreateInput(TensorSpec spec, int batchSize, InputDataMode mode, IReadOnlyDictionary<string, long[]>? shapes, Random random)
    {
        var hasBatch = spec.Shape.Count > 0 && spec.Shape[0] < 0;
        var shape = InputShapeResolver.Resolve(spec.Name, spec.Shape, hasBatch, batchSize, shapes);
        var type = KServeDataType.Normalize(spec.DataType);
        var bytes = TensorDataFactory.Create(spec.Name, type, shape, mode, random);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ToElementType(spec.Name, type), shape);
        bytes.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    /// <summary>
    /// Runs once with ORT allocating the outputs, to learn their shapes and types; fixed-shape tensor
    /// outputs are then preallocated per worker. Outputs that are not plain numeric tensors (strings,
    /// sequences) stay allocated by ORT on each run.
    /// </summary>
    private OutputLayout?[] ProbeOutputs()
    {
        using var results = _session.Run(_runOptions, _inputNames, _inputs, _outputNames);
        var layouts = new OutputLayout?[_outputNames.Length];
        var i = 0;
        foreach (var value in results)
        {
            if (value.OnnxType == OnnxValueType.ONNX_TYPE_TENSOR)
            {
                var info = value.GetTensorTypeAndShape();
                if (info.ElementDataType != TensorElementType.String)
                {
                    layouts[i] = new OutputLayout(info.ElementDataType, info.Shape);
                }
            }

            i++;
        }

        return layouts;
    }

    private WorkerBinding CreateBinding()
    {
        var binding = _session.CreateIoBinding();
        var outputs = new List<OrtValue>();
        try
        {
            for (var i = 0; i < _inputNames.Length; i++)
            {
                binding.BindInput(_inputNames[i], _inputs[i]);
            }

            for (var i = 0; i < _outputNames.Length; i++)
            {
                if (_outputLayouts[i] is { } layout)
                {
                    var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.ElementType, layout.Shape);
                    outputs.Add(value);
                    binding.BindOutput(_outputNames[i], value);
                }
                else
                {
                    binding.BindOutputToDevice(_outputNames[i], OrtMemoryInfo.DefaultInstance);
                }
            }

            return new WorkerBinding(binding, outputs);
        }
        catch
        {
            outputs.ForEach(o => o.Dispose());
            binding.Dispose();
            throw;
        }
    }

    private void DisposeInputs()
    {
        foreach (var input in _inputs)
        {
            input?.Dispose();
        }
    }

    private static TensorElementType ToElementType(string name, string kserveType) => kserveType switch
    {
        "BOOL" => TensorElementType.Bool,
        "UINT8" => TensorElementType.UInt8,
        "INT8" => TensorElementType.Int8,
        "UINT16" => TensorElementType.UInt16,
        "INT16" => TensorElementType.Int16,
        "UINT32" => TensorElementType.UInt32,
        "INT32" => TensorElementType.Int32,
        "UINT64" => TensorElementType.UInt64,
        "INT64" => TensorElementType.Int64,
        "FP16" => TensorElementType.Float16,
        "BF16" => TensorElementType.BFloat16,
        "FP32" => TensorElementType.Float,
        "FP64" => TensorElementType.Double,
        _ => throw new NotSupportedException($"Input '{name}' has datatype '{kserveType}', which the in-process target cannot build."),
    };

    private sealed record OutputLayout(TensorElementType ElementType, long[] Shape);

    private sealed class WorkerBinding(OrtIoBinding ioBinding, List<OrtValue> outputs) : IDisposable
    {
        public OrtIoBinding IoBinding { get; } = ioBinding;

        public void Dispose()
        {
            IoBinding.Dispose();
            outputs.ForEach(o => o.Dispose());
        }
    }
}

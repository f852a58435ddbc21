using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.LoadGen;

/// <summary>
/// An ONNX Runtime session called directly, with no server in between: the ORT tuner's target and the
/// baseline the embedded server is compared to. Inputs are native tensors built once and shared (ORT never
/// writes its inputs): synthetic data (random or zero, BYTES inputs as ORT string tensors filled like the gRPC
/// target's) makes one request, real input data (perf_analyzer's JSON) one request per step, sent in turn. Each
/// worker thread gets its own <see cref="OrtIoBinding"/> per request with preallocated numeric outputs, so a request
/// is one <c>RunWithBinding</c> call with nothing allocated on the managed heap (string outputs are allocated by ORT,
/// natively, as they must be).
/// </summary>
/// <remarks>
/// <see cref="InferAsync"/> runs synchronously on the calling thread; the load generator gives each worker
/// its own thread, so concurrency N really is N runs at once.
/// </remarks>
public sealed class InProcessOrtTarget : IInferenceTarget, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly List<OrtValue[]> _requests = [];
    private readonly string[] _outputNames;
    private readonly OutputLayout?[][] _outputLayouts;
    private readonly ThreadLocal<WorkerBinding> _bindings;
    private readonly RunOptions _runOptions = new();
    private long _next = -1;
    private bool _disposed;

    /// <summary>Synthetic input data, like perf_analyzer's --input-data random|zero (with --string-length/--string-data for BYTES).</summary>
    /// <param name="session">The session to run (the caller keeps ownership).</param>
    /// <param name="inputs">The model's inputs; a -1 first dimension is the batch dimension.</param>
    /// <param name="batchSize">Samples per request.</param>
    /// <param name="mode">Synthetic data kind.</param>
    /// <param name="shapes">Sizes for other dynamic dimensions, without the batch dimension (perf_analyzer --shape).</param>
    /// <param name="strings">How BYTES inputs are filled; the default is perf_analyzer's (random, 128 characters).</param>
    public InProcessOrtTarget(
        InferenceSession session,
        IReadOnlyList<TensorSpec> inputs,
        int batchSize = 1,
        InputDataMode mode = InputDataMode.Random,
        IReadOnlyDictionary<string, long[]>? shapes = null,
        int seed = 42,
        StringInputOptions? strings = null)
        : this(session, inputs, batchSize, () => [Synthetic(inputs, batchSize, mode, shapes, new Random(seed), strings ?? StringInputOptions.Default)])
    {
    }

    /// <summary>
    /// Real input data (perf_analyzer --input-data file.json): one request per step, built now and sent in turn,
    /// encoded and batched as the gRPC target does it: with a batch size b, request i holds steps i, ..., i+b−1
    /// (wrapping around). The model batches when every input's first dimension is -1.
    /// </summary>
    /// <param name="shapes">Sizes for dynamic dimensions of inputs whose steps give no "shape" (perf_analyzer --shape).</param>
    public InProcessOrtTarget(
        InferenceSession session,
        IReadOnlyList<TensorSpec> inputs,
        PerfAnalyzerInputData inputData,
        int batchSize = 1,
        IReadOnlyDictionary<string, long[]>? shapes = null)
        : this(session, inputs, batchSize, () => FromInputData(inputs, inputData ?? throw new ArgumentNullException(nameof(inputData)), batchSize, shapes))
    {
    }

    private InProcessOrtTarget(InferenceSession session, IReadOnlyList<TensorSpec> inputs, int batchSize, Func<IReadOnlyList<RequestTensor[]>> buildRequests)
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
        _inputNames = inputs.Select(i => i.Name).ToArray();
        try
        {
            foreach (var request in buildRequests())
            {
                var values = new OrtValue[request.Length];
                _requests.Add(values);
                for (var i = 0; i < request.Length; i++)
                {
                    values[i] = KServeOrtTensor.Create(request[i].Name, request[i].DataType, request[i].Shape, request[i].Data.Span);
                }
            }

            _outputNames = session.OutputNames.ToArray();
            _outputLayouts = _requests.Select(ProbeOutputs).ToArray();
        }
        catch
        {
            DisposeInputs();
            throw;
        }

        _bindings = new ThreadLocal<WorkerBinding>(CreateBinding, trackAllValues: true);
    }

    public int BatchSize { get; }

    /// <summary>The model inputs each request sets, in the order of every entry of <see cref="Requests"/>.</summary>
    public IReadOnlyList<string> InputNames => _inputNames;

    /// <summary>
    /// The input tensors of every request, in the order they are sent (one per input-data step; one with synthetic
    /// data). Read-only use: they are shared by all workers and disposed with the target.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<OrtValue>> Requests => _requests;

    public ValueTask InferAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var bindings = _bindings.Value!.IoBindings;
        // Shared by all workers: an atomic counter keeps the steps in turn without a lock.
        var request = bindings.Length == 1 ? 0 : (int)((ulong)Interlocked.Increment(ref _next) % (ulong)bindings.Length);
        _session.RunWithBinding(_runOptions, bindings[request]);
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

    /// <summary>One request's synthetic tensors, each in KServe's raw layout (as the gRPC target builds them).</summary>
    private static RequestTensor[] Synthetic(IReadOnlyList<TensorSpec> inputs, int batchSize, InputDataMode mode,
        IReadOnlyDictionary<string, long[]>? shapes, Random random, StringInputOptions strings) =>
        inputs.Select(spec =>
        {
            var hasBatch = spec.Shape.Count > 0 && spec.Shape[0] < 0;
            var shape = InputShapeResolver.Resolve(spec.Name, spec.Shape, hasBatch, batchSize, shapes);
            var bytes = TensorDataFactory.Create(spec.Name, spec.DataType, shape, mode, random, strings.Length, strings.Data);
            return new RequestTensor(spec.Name, spec.DataType, shape, bytes);
        }).ToArray();

    /// <summary>One request per step, made by the gRPC target's builder, so shapes, encoding and batching are the same.</summary>
    private static IReadOnlyList<RequestTensor[]> FromInputData(IReadOnlyList<TensorSpec> inputs, PerfAnalyzerInputData inputData, int batchSize,
        IReadOnlyDictionary<string, long[]>? shapes)
    {
        var metadata = inputs.Select(spec => new ModelMetadataResponse.Types.TensorMetadata
        {
            Name = spec.Name,
            Datatype = TensorDataType.FromAnySpelling(spec.DataType)?.Name ?? spec.DataType,
            Shape = { spec.Shape },
        }).ToArray();
        var batches = inputs.All(spec => spec.Shape.Count > 0 && spec.Shape[0] < 0);
        return InputDataRequestBuilder.Build("", "", metadata, batches, batchSize, inputData, shapes)
            .Select(request => request.Inputs
                .Select((tensor, i) => new RequestTensor(tensor.Name, tensor.Datatype, tensor.Shape.ToArray(), request.RawInputContents[i].Memory))
                .ToArray())
            .ToArray();
    }

    /// <summary>
    /// Runs the request once with ORT allocating the outputs, to learn their shapes and types; fixed-shape
    /// numeric outputs are then preallocated per worker. Outputs that are not plain numeric tensors (strings,
    /// sequences) stay allocated by ORT on each run.
    /// </summary>
    private OutputLayout?[] ProbeOutputs(OrtValue[] inputs)
    {
        using var results = _session.Run(_runOptions, _inputNames, inputs, _outputNames);
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
        var bindings = new List<OrtIoBinding>(_requests.Count);
        // A worker runs one request at a time, so its requests share an output tensor wherever their layouts agree.
        var outputs = new Dictionary<(int Output, OutputLayout Layout), OrtValue>();
        try
        {
            for (var r = 0; r < _requests.Count; r++)
            {
                var binding = _session.CreateIoBinding();
                bindings.Add(binding);
                for (var i = 0; i < _inputNames.Length; i++)
                {
                    binding.BindInput(_inputNames[i], _requests[r][i]);
                }

                for (var o = 0; o < _outputNames.Length; o++)
                {
                    if (_outputLayouts[r][o] is { } layout)
                    {
                        if (!outputs.TryGetValue((o, layout), out var value))
                        {
                            value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, layout.ElementType, layout.Shape);
                            outputs.Add((o, layout), value);
                        }

                        binding.BindOutput(_outputNames[o], value);
                    }
                    else
                    {
                        binding.BindOutputToDevice(_outputNames[o], OrtMemoryInfo.DefaultInstance);
                    }
                }
            }

            return new WorkerBinding([.. bindings], [.. outputs.Values]);
        }
        catch
        {
            bindings.ForEach(b => b.Dispose());
            foreach (var value in outputs.Values)
            {
                value.Dispose();
            }

            throw;
        }
    }

    private void DisposeInputs()
    {
        foreach (var request in _requests)
        {
            foreach (var input in request)
            {
                input?.Dispose();
            }
        }
    }

    /// <summary>One input of one request: KServe datatype, concrete shape, contents in KServe's raw layout.</summary>
    private sealed record RequestTensor(string Name, string DataType, long[] Shape, ReadOnlyMemory<byte> Data);

    /// <summary>An output's element type and shape; equal when both are, so requests of one shape share a tensor.</summary>
    private sealed record OutputLayout(TensorElementType ElementType, long[] Shape)
    {
        public bool Equals(OutputLayout? other) =>
            other is not null && ElementType == other.ElementType && Shape.AsSpan().SequenceEqual(other.Shape);

        public override int GetHashCode() => HashCode.Combine(ElementType, Shape.Length, Shape.Length > 0 ? Shape[0] : 0);
    }

    private sealed class WorkerBinding(OrtIoBinding[] ioBindings, OrtValue[] outputs) : IDisposable
    {
        /// <summary>One binding per request, in the order of <see cref="Requests"/>.</summary>
        public OrtIoBinding[] IoBindings { get; } = ioBindings;

        public void Dispose()
        {
            foreach (var binding in IoBindings)
            {
                binding.Dispose();
            }

            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }
}

using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using InferencePipeline.KServe;
using InferencePipeline.KServe.Client;

namespace InferencePipeline.LoadGen;

/// <summary>
/// A KServe v2 gRPC server (Triton or our embedded server) as a load target. The requests — tensors in
/// <c>raw_input_contents</c> — are built once: synthetic data makes one request sent every time, real input
/// data (perf_analyzer's JSON) one request per step, sent in turn. The per-request cost is gRPC's own
/// (serialization into the HTTP/2 frame, the call object).
/// </summary>
public sealed class GrpcInferenceTarget : IInferenceTarget, IServerStatisticsSource, IDisposable
{
    private readonly GrpcChannel? _ownedChannel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly ModelInferRequest _request;
    private readonly ModelInferRequest[] _requests;
    private long _next = -1;

    /// <summary>Wraps an existing client and a prebuilt request (the caller owns the channel).</summary>
    public GrpcInferenceTarget(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request, int batchSize = 1)
        : this(client, request, batchSize, null)
    {
    }

    /// <summary>Wraps an existing client and prebuilt requests, sent in turn (the caller owns the channel).</summary>
    public GrpcInferenceTarget(GRPCInferenceService.GRPCInferenceServiceClient client, IReadOnlyList<ModelInferRequest> requests, int batchSize = 1)
        : this(client, requests, batchSize, null)
    {
    }

    private GrpcInferenceTarget(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request, int batchSize, GrpcChannel? ownedChannel)
        : this(client, [request ?? throw new ArgumentNullException(nameof(request))], batchSize, ownedChannel)
    {
    }

    private GrpcInferenceTarget(GRPCInferenceService.GRPCInferenceServiceClient client, IReadOnlyList<ModelInferRequest> requests, int batchSize, GrpcChannel? ownedChannel)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (requests.Count == 0)
        {
            throw new ArgumentException("At least one request is needed.", nameof(requests));
        }

        _client = client;
        _requests = [.. requests];
        _request = _requests[0];
        BatchSize = batchSize;
        _ownedChannel = ownedChannel;
    }

    public int BatchSize { get; }

    /// <summary>The first request (the one sent every time with synthetic data; read-only use: it is shared by all workers).</summary>
    public ModelInferRequest Request => _request;

    /// <summary>Every prebuilt request, in the order they are sent (one per input-data step).</summary>
    public IReadOnlyList<ModelInferRequest> Requests => _requests;

    /// <summary>Connects like <see cref="CreateAsync(Uri, string, int, InputDataMode, IReadOnlyDictionary{string, long[]}?, string, int, CancellationToken)"/>
    /// but sends real input data (perf_analyzer --input-data file.json): one request per step, built now and sent in
    /// turn. With a batch size b, request i holds steps i, i+1, ..., i+b−1 (wrapping around), as each step is one sample.</summary>
    /// <param name="shapes">Sizes for dynamic dimensions of inputs whose steps give no "shape" (perf_analyzer --shape).</param>
    public static async Task<GrpcInferenceTarget> CreateAsync(
        Uri address,
        string modelName,
        PerfAnalyzerInputData inputData,
        int batchSize = 1,
        IReadOnlyDictionary<string, long[]>? shapes = null,
        string modelVersion = "",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentNullException.ThrowIfNull(inputData);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);

        return await ConnectAsync(address, modelName, modelVersion, batchSize, (inputs, batched) =>
            InputDataRequestBuilder.Build(modelName, modelVersion, inputs, batched, batchSize, inputData, shapes), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects to <paramref name="address"/>, reads the model's metadata (inputs) and config (max_batch_size)
    /// and prepares a request of <paramref name="batchSize"/> with synthetic data.
    /// </summary>
    /// <param name="shapes">Sizes for dynamic non-batch dimensions, without the batch dimension (perf_analyzer --shape).</param>
    public static async Task<GrpcInferenceTarget> CreateAsync(
        Uri address,
        string modelName,
        int batchSize = 1,
        InputDataMode mode = InputDataMode.Random,
        IReadOnlyDictionary<string, long[]>? shapes = null,
        string modelVersion = "",
        int seed = 42,
        StringInputOptions? strings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);

        return await ConnectAsync(address, modelName, modelVersion, batchSize, (inputs, batched) =>
            [BuildRequest(modelName, modelVersion, inputs, batched, batchSize, mode, shapes, new Random(seed), strings)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What both factories share: connect, read the model's inputs and max_batch_size, check the batch size, build
    /// the requests once (<paramref name="buildRequests"/> gets the inputs and whether the model batches), and own
    /// the channel — disposed here if anything fails before the target exists.
    /// </summary>
    private static async Task<GrpcInferenceTarget> ConnectAsync(
        Uri address,
        string modelName,
        string modelVersion,
        int batchSize,
        Func<IReadOnlyList<ModelMetadataResponse.Types.TensorMetadata>, bool, IReadOnlyList<ModelInferRequest>> buildRequests,
        CancellationToken cancellationToken)
    {
        // Measurement goes over a channel with no handlers in the way (no retry, no timeout): see KServeChannel.
        var channel = KServeChannel.Create(address);
        try
        {
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            var metadata = await ReadMetadataAsync(client, address, modelName, modelVersion, cancellationToken).ConfigureAwait(false);
            var maxBatchSize = await ReadMaxBatchSizeAsync(client, modelName, modelVersion, metadata, cancellationToken).ConfigureAwait(false);
            if (maxBatchSize > 0 && batchSize > maxBatchSize)
            {
                throw new ArgumentException($"Batch size {batchSize} exceeds model '{modelName}''s max_batch_size {maxBatchSize}.", nameof(batchSize));
            }

            var requests = buildRequests(metadata.Inputs, maxBatchSize > 0);
            return new GrpcInferenceTarget(client, requests, maxBatchSize > 0 ? batchSize : 1, channel);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>Builds the KServe request once: one input tensor per model input, contents in raw_input_contents.</summary>
    public static ModelInferRequest BuildRequest(
        string modelName,
        string modelVersion,
        IEnumerable<ModelMetadataResponse.Types.TensorMetadata> inputs,
        bool hasBatchDimension,
        int batchSize,
        InputDataMode mode,
        IReadOnlyDictionary<string, long[]>? shapes,
        Random random,
        StringInputOptions? strings = null)
    {
        strings ??= StringInputOptions.Default;
        var request = new ModelInferRequest { ModelName = modelName, ModelVersion = modelVersion ?? "" };
        foreach (var input in inputs)
        {
            var shape = InputShapeResolver.Resolve(input.Name, input.Shape, hasBatchDimension, batchSize, shapes);
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = TensorDataType.FromAnySpelling(input.Datatype)?.Name ?? input.Datatype };
            tensor.Shape.AddRange(shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(TensorDataFactory.Create(input.Name, input.Datatype, shape, mode, random, strings.Length, strings.Data)));
        }

        if (request.Inputs.Count == 0)
        {
            throw new LoadGenException($"Model '{modelName}' declares no inputs.");
        }

        return request;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask InferAsync(CancellationToken cancellationToken)
    {
        ModelInferResponse response;
        try
        {
            response = await _client.ModelInferAsync(NextRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        if (response.Outputs.Count == 0)
        {
            throw new InvalidOperationException($"Model '{_request.ModelName}' answered without outputs.");
        }
    }

    /// <summary>The model's cumulative ModelStatistics, summed over versions; null when the server has none for it.</summary>
    public async Task<ModelStatistics?> ReadModelStatisticsAsync(CancellationToken cancellationToken)
    {
        ModelStatisticsResponse response;
        try
        {
            response = await _client.ModelStatisticsAsync(
                new ModelStatisticsRequest { Name = _request.ModelName, Version = _request.ModelVersion }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unimplemented or StatusCode.NotFound)
        {
            return null;
        }

        var versions = response.ModelStats.Where(m => m.Name == _request.ModelName).ToList();
        return versions.Count == 0 ? null : ServerSideStats.Sum(versions);
    }

    public void Dispose() => _ownedChannel?.Dispose();

    private ModelInferRequest NextRequest()
    {
        var requests = _requests;
        if (requests.Length == 1)
        {
            return requests[0];
        }

        // Shared by all workers: an atomic counter keeps the steps in turn without a lock.
        var n = (ulong)Interlocked.Increment(ref _next);
        return requests[(int)(n % (ulong)requests.Length)];
    }

    private static async Task<ModelMetadataResponse> ReadMetadataAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client, Uri address, string modelName, string modelVersion, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ModelMetadataAsync(
                new ModelMetadataRequest { Name = modelName, Version = modelVersion }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new LoadGenException($"Cannot read metadata of model '{modelName}' from {address}: {ex.Status.StatusCode} {ex.Status.Detail}", innerException: ex);
        }
    }

    private static async Task<int> ReadMaxBatchSizeAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client,
        string modelName,
        string modelVersion,
        ModelMetadataResponse metadata,
        CancellationToken cancellationToken)
    {
        try
        {
            var config = await client.ModelConfigAsync(
                new ModelConfigRequest { Name = modelName, Version = modelVersion }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return config.Config?.MaxBatchSize ?? 0;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unimplemented or StatusCode.NotFound)
        {
            // A server without ModelConfig (plain KServe): Triton's convention still holds, a batching model
            // declares its batch dimension as -1 first. Treat that as "batches, limit unknown".
            var firstDims = metadata.Inputs.Select(i => i.Shape.Count > 0 ? i.Shape[0] : 0).ToList();
            return firstDims.Count > 0 && firstDims.All(d => d == -1) ? int.MaxValue : 0;
        }
    }
}

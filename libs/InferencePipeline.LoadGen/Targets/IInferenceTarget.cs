namespace InferencePipeline.LoadGen;

/// <summary>
/// Something the load generator can send one inference request to: a server over gRPC, an in-process
/// ONNX Runtime session, or a synthetic target in tests. Implementations must be safe to call from
/// many workers at once and should not allocate per request where they can avoid it: at high rates the
/// load generator must never be the bottleneck.
/// </summary>
public interface IInferenceTarget
{
    /// <summary>Samples per request; throughput is reported in inferences (requests × batch) per second.</summary>
    int BatchSize => 1;

    /// <summary>Sends one request and completes when its response arrived. Throws when the request failed.</summary>
    ValueTask InferAsync(CancellationToken cancellationToken);
}

using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>An input or output as config.pbtxt declares it; <see cref="Dims"/> excludes the batch dimension when the model batches.</summary>
internal sealed record ConfigTensor(string Name, TensorDataType? Type, string DataTypeName, long[] Dims)
{
    /// <summary>Dims as the protocol's metadata shows them: with a leading -1 when the model batches.</summary>
    public IEnumerable<long> MetadataShape(bool batching) => batching ? Dims.Prepend(-1) : Dims;

    public static string Format(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";
}

using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.InferenceServer.Repository;

namespace InferencePipeline.InferenceServer.KServe;

/// <summary>
/// ModelMetadata as Triton reports it: shapes with -1 for the batch dimension of batching models; "versions"
/// lists every loaded version (lowest first) when no version is asked for, else just the one asked for.
/// </summary>
internal static class ModelMetadataBuilder
{
    public static ModelMetadataResponse Build(ModelRegistry registry, string name, string? version)
    {
        var model = registry.Get(name, version).Definition;
        IEnumerable<string> versions = string.IsNullOrEmpty(version)
            ? registry.Versions(name).Select(v => v.Definition.Version)
            : [model.Version];
        var response = new ModelMetadataResponse
        {
            Name = model.Name,
            Versions = { versions },
            Platform = string.IsNullOrEmpty(model.Config.Platform) ? "onnxruntime_onnx" : model.Config.Platform,
        };
        foreach (var input in model.Inputs)
        {
            response.Inputs.Add(Tensor(input, model.Batching));
        }
        foreach (var output in model.Outputs)
        {
            response.Outputs.Add(Tensor(output, model.Batching));
        }
        return response;
    }

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(ConfigTensor tensor, bool batching) => new()
    {
        Name = tensor.Name, Datatype = tensor.DataTypeName, Shape = { tensor.MetadataShape(batching) },
    };
}

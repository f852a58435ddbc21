using Inference;
using InferencePipeline.InferenceServer.Execution;

namespace InferencePipeline.InferenceServer.KServe;

/// <summary>ModelMetadata as Triton reports it: shapes with -1 for the batch dimension of batching models.</summary>
internal static class ModelMetadataBuilder
{
    public static ModelMetadataResponse Build(ModelDefinition model)
    {
        var response = new ModelMetadataResponse
        {
            Name = model.Name,
            Versions = { model.Version },
            Platform = string.IsNullOrEmpty(model.Config.Platform) ? "onnxruntime_onnx" : model.Config.Platform,
        };
        foreach (var input in model.Inputs)
        {
            response.Inputs.Add(new ModelMetadataResponse.Types.TensorMetadata
            {
                Name = input.Name, Datatype = input.DataTypeName, Shape = { input.MetadataShape(model.Batching) },
            });
        }
        foreach (var output in model.Outputs)
        {
            response.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata
            {
                Name = output.Name, Datatype = output.DataTypeName, Shape = { output.MetadataShape(model.Batching) },
            });
        }
        return response;
    }
}

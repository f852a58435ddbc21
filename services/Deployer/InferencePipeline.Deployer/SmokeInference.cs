using Google.Protobuf;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.Onnx;

namespace InferencePipeline.Deployer;

/// <summary>
/// The deployer's proof that the server serves the model: the inputs of <see cref="ServedModelCheck"/> go through the
/// server (KServe ModelInfer, tensors in raw_input_contents) and the answer is compared element by element with
/// ONNX Runtime's on the same file with the config's ORT settings. <c>sizes</c> (the pipeline's inputs) give the
/// sizes of dims the config leaves open.
/// </summary>
public static class SmokeInference
{
    public static async Task<OutputComparison> RunAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client,
        string servedName,
        ModelConfig config,
        string modelPath,
        CancellationToken cancellationToken,
        IReadOnlyList<TensorSpec>? sizes = null)
    {
        var (inputs, batchSize) = ServedModelCheck.Inputs(config, sizes);
        var served = await InferOnServerAsync(client, servedName, inputs, cancellationToken);
        var expected = ServedModelCheck.Expected(config, modelPath, inputs, batchSize);
        return OutputComparer.Compare(expected, served);
    }

    private static async Task<Dictionary<string, float[]>> InferOnServerAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client,
        string servedName,
        IReadOnlyList<RawInputTensor> inputs,
        CancellationToken cancellationToken)
    {
        var request = new ModelInferRequest { ModelName = servedName, Id = "deployer-smoke" };
        foreach (var input in inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType };
            tensor.Shape.AddRange(input.Shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(ByteString.CopyFrom(input.Data));
        }

        var response = await client.ModelInferAsync(request, cancellationToken: cancellationToken);
        if (response.RawOutputContents.Count != response.Outputs.Count)
        {
            throw new DeploymentFailedException(
                $"'{servedName}' answered {response.Outputs.Count} outputs with {response.RawOutputContents.Count} raw contents; a KServe server answering raw inputs answers raw outputs.");
        }

        var outputs = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            outputs[response.Outputs[i].Name] = TensorBytes.ToFloats(response.Outputs[i].Datatype, response.RawOutputContents[i].Span);
        }

        return outputs;
    }
}

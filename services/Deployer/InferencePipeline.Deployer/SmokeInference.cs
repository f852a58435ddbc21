using Google.Protobuf;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;

namespace InferencePipeline.Deployer;

/// <summary>
/// The deployer's proof that the server serves the model: the inputs (the first request of the pipeline's real input
/// data when it has some, else the seeded ones of <see cref="ServedModelCheck"/>) go through the server (KServe
/// ModelInfer, tensors in raw_input_contents) and the answer is compared element by element with ONNX Runtime's on
/// the same file with the config's ORT settings. <c>sizes</c> (the pipeline's inputs) give generated inputs the
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
        IReadOnlyList<TensorSpec>? sizes = null,
        PerfAnalyzerInputData? inputData = null)
    {
        var (inputs, batchSize) = inputData is null
            ? ServedModelCheck.Inputs(config, sizes)
            : (FromInputData(servedName, config, inputData), ServedModelCheck.BatchSize(config));
        var served = await InferOnServerAsync(client, servedName, inputs, cancellationToken);
        var expected = ServedModelCheck.Expected(config, modelPath, inputs, batchSize);
        return OutputComparer.Compare(expected, served);
    }

    /// <summary>The first request the load generator would build from the data (steps batched as it batches them), as raw tensors.</summary>
    private static IReadOnlyList<RawInputTensor> FromInputData(string servedName, ModelConfig config, PerfAnalyzerInputData inputData)
    {
        var metadata = ServedModelCheck.Specs(config)
            .Select(spec => new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.DataType, Shape = { spec.Shape } })
            .ToArray();
        try
        {
            var request = InputDataRequestBuilder.Build(servedName, "", metadata, config.MaxBatchSize > 0, ServedModelCheck.BatchSize(config), inputData, shapes: null)[0];
            return request.Inputs.Select((tensor, i) => new RawInputTensor(tensor.Name, tensor.Datatype, tensor.Shape.ToArray(), request.RawInputContents[i].ToByteArray())).ToList();
        }
        catch (InputDataException e)
        {
            throw new DeploymentFailedException($"The input data does not fit '{servedName}': {e.Message}");
        }
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

using Google.Protobuf;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Deployer;

/// <summary>
/// The deployer's proof that the server serves the model: the same inputs (the first steps of the real input data
/// when the pipeline has some, else random ones) go through the server
/// (KServe ModelInfer, tensors in raw_input_contents) and through an ONNX Runtime session on the same
/// file with the config's ORT settings; the outputs are compared element by element.
/// </summary>
public static class SmokeInference
{
    private const int Seed = 1234;

    /// <summary>Non-batch dims the config leaves dynamic get this size: small, but more than the degenerate 1.</summary>
    private const long DynamicDimSize = 8;

    public static async Task<OutputComparison> RunAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client,
        string servedName,
        ModelConfig config,
        string modelPath,
        CancellationToken cancellationToken,
        PerfAnalyzerInputData? inputData = null)
    {
        var hasBatch = config.MaxBatchSize > 0;
        // Two samples when the model batches, so a server that mixes up samples in a batch shows.
        var batchSize = hasBatch ? Math.Min(2, config.MaxBatchSize) : 1;
        var specs = config.Input
            .Select(input => new TensorSpec(input.Name, KServeName(input.DataType), hasBatch ? [-1, .. input.Dims] : input.Dims.ToList()))
            .ToList();
        var inputs = inputData is null
            ? InputFactory.CreateRaw(specs, batchSize, Seed, dynamicDimSize: DynamicDimSize)
            : FromInputData(servedName, specs, hasBatch, batchSize, inputData);

        var served = await InferOnServerAsync(client, servedName, inputs, cancellationToken);
        var expected = InferInProcess(config, modelPath, inputs, batchSize);
        return OutputComparer.Compare(expected, served);
    }

    /// <summary>The first request the load generator would build from the data (steps batched as it batches them), as raw tensors.</summary>
    private static IReadOnlyList<RawInputTensor> FromInputData(
        string servedName, IReadOnlyList<TensorSpec> specs, bool hasBatch, int batchSize, PerfAnalyzerInputData inputData)
    {
        var metadata = specs.Select(spec => new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.DataType, Shape = { spec.Shape } }).ToArray();
        try
        {
            var request = InputDataRequestBuilder.Build(servedName, "", metadata, hasBatch, batchSize, inputData, shapes: null)[0];
            return request.Inputs.Select((tensor, i) => new RawInputTensor(tensor.Name, tensor.Datatype, tensor.Shape.ToArray(), request.RawInputContents[i].ToByteArray())).ToList();
        }
        catch (InputDataException e)
        {
            throw new DeploymentFailedException($"The input data does not fit '{servedName}': {e.Message}");
        }
    }

    private static string KServeName(DataType dataType) =>
        TensorDataType.FromConfig(dataType)?.Name ?? throw new ArgumentException($"Triton datatype {dataType} has no KServe v2 name", nameof(dataType));

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

    private static Dictionary<string, float[]> InferInProcess(ModelConfig config, string modelPath, IReadOnlyList<RawInputTensor> inputs, int batchSize)
    {
        using var session = OrtSessionFactory.Create(modelPath, OrtConfigParameters.Read(config));
        var values = inputs.Select(input =>
        {
            // Triton's reshape: the config's dims are what clients send, the reshape is what the model takes.
            var declared = config.Input.First(i => i.Name == input.Name);
            if (declared.Reshape is null)
            {
                return input.ToNamedOnnxValue();
            }

            long[] shape = config.MaxBatchSize > 0 ? [batchSize, .. declared.Reshape.Shape] : [.. declared.Reshape.Shape];
            return TensorBytes.ToNamedOnnxValue(input.Name, input.DataType, shape, input.Data);
        }).ToList();
        using var results = session.Run(values);
        return OnnxOutputs.ToFloatArrays(results);
    }
}

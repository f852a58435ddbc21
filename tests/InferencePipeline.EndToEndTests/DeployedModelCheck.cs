using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// Checks a deployed model independently of the deployer: the same inputs through the server's KServe v2
/// ModelInfer and through ONNX Runtime on the model file the deployer put in its repository must give the same
/// outputs. That file is the tuner's choice: the original fp32 model, or its int8/fp16 form when the tuner's accuracy
/// gate accepted it, so it, not the original, is what the server's answers are held to.
/// </summary>
public static class DeployedModelCheck
{
    /// <summary>The model file of the deployed repository entry (version 1, as the deployer writes it).</summary>
    public static string DeployedFile(ModelDeployed deployed, Func<string, string> localPath) =>
        Path.Combine(localPath(deployed.RepositoryUri), deployed.ServedModelName, "1", "model.onnx");

    public static async Task<double> MaxAbsDiffAsync(Uri grpcAddress, string servedModel, string modelPath, int batchSize = 2)
    {
        var signature = OnnxModelInspector.Inspect(modelPath);
        var inputs = InputFactory.CreateRaw(signature.Inputs, batchSize, seed: 7);

        using var channel = GrpcChannel.ForAddress(grpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var ready = await client.ModelReadyAsync(new ModelReadyRequest { Name = servedModel });
        Assert.True(ready.Ready, $"model '{servedModel}' is not ready on {grpcAddress}");

        var request = new ModelInferRequest { ModelName = servedModel };
        foreach (var input in inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType };
            tensor.Shape.AddRange(input.Shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(ByteString.CopyFrom(input.Data));
        }

        var response = await client.ModelInferAsync(request);
        var served = new Dictionary<string, float[]>();
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var bytes = response.RawOutputContents[i].Span;
            served[response.Outputs[i].Name] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }

        using var session = new InferenceSession(modelPath);
        using var results = session.Run(inputs.Select(i => i.ToNamedOnnxValue()).ToList());
        var direct = results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());

        Assert.Equal(direct.Keys.Order(), served.Keys.Order());
        return OutputComparer.MaxAbsDiff(direct, served);
    }
}

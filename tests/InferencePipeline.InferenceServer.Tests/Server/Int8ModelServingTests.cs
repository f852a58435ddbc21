using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// The tuner's int8 choice is served as it was measured: an entry whose model.onnx uses ONNX Runtime's com.microsoft
/// DynamicQuantizeMatMul and whose config carries the tuned settings (model_precision int8, graph level, threads) loads
/// in the embedded server and answers exactly as an in-process session on the same file with the same settings.
/// </summary>
public sealed class Int8ModelServingTests
{
    private const int Sequence = 16;

    [Fact]
    public async Task An_int8_model_with_microsoft_ops_is_served_with_the_answers_of_onnx_runtime()
    {
        using var repository = new TestModelRepository();
        var shape = new BertShape(SequenceLength: Sequence);
        var source = Path.Combine(repository.Root, "bert_fp32.onnx");
        DemoModels.WriteBert(source, shape);
        var int8Path = ModelRepositoryLayout.ModelPath(repository.Root, "bert_int8");
        Directory.CreateDirectory(Path.GetDirectoryName(int8Path)!);
        var quantized = DynamicQuantizer.Quantize(source, int8Path, new DynamicQuantizationOptions());
        Assert.NotEmpty(quantized.Quantized);
        var settings = new OrtSettings(Precision: "int8", GraphOptimizationLevel: 2, IntraOpThreads: 1);
        var config = OrtConfigParameters.Apply(DefaultModelConfig.Create("bert_int8", DemoModels.BertInputs(shape), DemoModels.BertOutputs(shape), 4), settings);
        await ModelConfigFile.WriteAsync(ModelRepositoryLayout.ConfigPath(repository.Root, "bert_int8"), config);

        await using var server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions { ModelRepository = repository.Root });
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var inputs = InputFactory.CreateRaw(DemoModels.BertInputs(shape), batchSize: 2, seed: 3);
        var request = new ModelInferRequest { ModelName = "bert_int8" };
        foreach (var input in inputs)
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType, Shape = { input.Shape } });
            request.RawInputContents.Add(ByteString.CopyFrom(input.Data));
        }

        var response = await client.ModelInferAsync(request);

        var served = (await client.ModelConfigAsync(new ModelConfigRequest { Name = "bert_int8" })).Config;
        Assert.Equal(settings, OrtConfigParameters.Read(served));
        using var session = OrtSessionFactory.Create(int8Path, settings);
        using var expected = session.Run(inputs.Select(i => i.ToNamedOnnxValue()).ToList());
        var want = OnnxOutputs.ToFloatArrays(expected);
        Assert.Equal(["start", "end"], response.Outputs.Select(o => o.Name));
        for (var o = 0; o < response.Outputs.Count; o++)
        {
            var got = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[o].Span).ToArray();
            Assert.Equal(want[response.Outputs[o].Name], got);
        }
    }
}

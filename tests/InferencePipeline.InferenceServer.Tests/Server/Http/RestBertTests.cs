using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

/// <summary>The demo BERT (three INT64 inputs, two FP32 outputs) over REST: nested INT64 JSON in, same numbers as gRPC out.</summary>
public sealed class RestBertTests
{
    private const int Sequence = 8;

    [Fact]
    public async Task Json_bert_request_matches_the_grpc_answer()
    {
        using var repository = new TestModelRepository();
        var shape = new BertShape(SequenceLength: Sequence);
        DemoModels.WriteBert(ModelRepositoryLayout.ModelPath(repository.Root, "bert"), shape);
        var config = DefaultModelConfig.Create("bert", DemoModels.BertInputs(shape), DemoModels.BertOutputs(shape), 4);
        await ModelConfigFile.WriteAsync(ModelRepositoryLayout.ConfigPath(repository.Root, "bert"), config);
        await using var server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions { ModelRepository = repository.Root });
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        using var http = RestClient.For(server);

        long[][] tensors =
        [
            Enumerable.Range(0, 2 * Sequence).Select(t => (long)(t * 13 % 500)).ToArray(),
            Enumerable.Repeat(1L, 2 * Sequence).ToArray(),
            new long[2 * Sequence],
        ];
        string[] names = ["input_names", "input_mask", "segment_ids"];
        var grpcRequest = new ModelInferRequest { ModelName = "bert" };
        var inputs = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            grpcRequest.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = names[i], Datatype = "INT64", Shape = { 2, Sequence } });
            grpcRequest.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(tensors[i].AsSpan())));
            // Nested [2][Sequence] arrays, as Python clients send numpy.tolist().
            var rows = new JsonArray(tensors[i].Chunk(Sequence).Select(row => (JsonNode)new JsonArray(row.Select(v => (JsonNode)v).ToArray())).ToArray());
            inputs.Add(new JsonObject { ["name"] = names[i], ["shape"] = new JsonArray(2, Sequence), ["datatype"] = "INT64", ["data"] = rows });
        }
        var grpc = await client.ModelInferAsync(grpcRequest);

        using var response = await RestClient.PostJsonAsync(http, "/v2/models/bert/infer", new JsonObject { ["inputs"] = inputs });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = (await RestClient.ReadAsync(response)).Json.GetProperty("outputs");
        Assert.Equal(grpc.Outputs.Count, outputs.GetArrayLength());
        for (var o = 0; o < grpc.Outputs.Count; o++)
        {
            Assert.Equal(grpc.Outputs[o].Name, outputs[o].GetProperty("name").GetString());
            Assert.Equal(grpc.Outputs[o].Shape, outputs[o].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            var expected = MemoryMarshal.Cast<byte, float>(grpc.RawOutputContents[o].Span).ToArray();
            Assert.Equal(expected, RestClient.Floats(outputs[o]));
        }
    }
}

using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// The demo BERT (three INT64 inputs, two FP32 outputs) under dynamic batching: each concurrent request's
/// answer must equal what ONNX Runtime gives for that request alone, so inputs were concatenated and outputs
/// split in the right order for every tensor.
/// </summary>
public sealed class BertBatchingTests
{
    private const int Sequence = 16;

    [Fact]
    public async Task Batched_bert_answers_match_in_process_onnxruntime_per_request()
    {
        using var repository = new TestModelRepository();
        var shape = new BertShape(SequenceLength: Sequence);
        DemoModels.WriteBert(ModelRepositoryLayout.ModelPath(repository.Root, "bert"), shape);
        var config = DefaultModelConfig.Create("bert", DemoModels.BertInputs(shape), DemoModels.BertOutputs(shape), 8);
        config.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { 8 }, MaxQueueDelayMicroseconds = 100_000 };
        await ModelConfigFile.WriteAsync(ModelRepositoryLayout.ConfigPath(repository.Root, "bert"), config);

        await using var server = await EmbeddedInferenceServer.StartAsync(new InferenceServerOptions { ModelRepository = repository.Root });
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        using var reference = new InferenceSession(ModelRepositoryLayout.ModelPath(repository.Root, "bert"));

        const int requests = 8;
        var tokens = Enumerable.Range(0, requests).Select(r => Enumerable.Range(0, Sequence).Select(t => (long)((r * 37 + t * 11) % 1000)).ToArray()).ToArray();
        var responses = await Task.WhenAll(tokens.Select((ids, r) =>
            client.ModelInferAsync(BertRequest(ids, typed: r % 2 == 1)).ResponseAsync));

        var stats = (await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "bert" })).ModelStats.Single();
        Assert.Equal((ulong)requests, stats.InferenceCount);
        Assert.True(stats.ExecutionCount < requests, $"{requests} requests ran in {stats.ExecutionCount} executions");

        for (var r = 0; r < requests; r++)
        {
            var expected = RunAlone(reference, tokens[r]);
            Assert.Equal(["start", "end"], responses[r].Outputs.Select(o => o.Name));
            for (var o = 0; o < 2; o++)
            {
                Assert.Equal([1L, Sequence], responses[r].Outputs[o].Shape);
                var actual = Floats(responses[r], o);
                Assert.Equal(Sequence, actual.Length);
                for (var i = 0; i < Sequence; i++)
                {
                    Assert.True(Math.Abs(expected[o][i] - actual[i]) < 1e-4f,
                        $"request {r} output {o}[{i}]: server {actual[i]}, alone {expected[o][i]}");
                }
            }
        }
    }

    private static ModelInferRequest BertRequest(long[] ids, bool typed)
    {
        var mask = Enumerable.Repeat(1L, Sequence).ToArray();
        var segments = new long[Sequence];
        var request = new ModelInferRequest { ModelName = "bert" };
        foreach (var (name, data) in new[] { ("input_names", ids), ("input_mask", mask), ("segment_ids", segments) })
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "INT64", Shape = { 1, Sequence } };
            if (typed)
            {
                input.Contents = new InferTensorContents { Int64Contents = { data } };
            }
            else
            {
                request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())));
            }
            request.Inputs.Add(input);
        }
        return request;
    }

    private static float[][] RunAlone(InferenceSession session, long[] ids)
    {
        long[] dims = [1, Sequence];
        using var a = OrtValue.CreateTensorValueFromMemory(ids, dims);
        using var b = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, Sequence).ToArray(), dims);
        using var c = OrtValue.CreateTensorValueFromMemory(new long[Sequence], dims);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_names", "input_mask", "segment_ids"], [a, b, c], ["start", "end"]);
        return outputs.Select(v => v.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    private static float[] Floats(ModelInferResponse response, int output) =>
        response.RawOutputContents.Count > 0
            ? MemoryMarshal.Cast<byte, float>(response.RawOutputContents[output].Span).ToArray()
            : response.Outputs[output].Contents.Fp32Contents.ToArray();
}

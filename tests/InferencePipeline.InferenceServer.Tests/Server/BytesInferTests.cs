using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>BYTES (TYPE_STRING) over KServe v2 gRPC: typed and raw forms, non-UTF-8 data, metadata and every refusal.</summary>
[Collection(BytesServerCollection.Name)]
public sealed class BytesInferTests(BytesServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Typed_bytes_contents_come_back_typed_and_byte_for_byte()
    {
        var values = BytesRequests.Values(2, 3);

        var response = await Client.ModelInferAsync(BytesRequests.Typed("text", values, 2, id: "t1"));

        Assert.Equal("t1", response.Id);
        Assert.Empty(response.RawOutputContents);
        var output = Assert.Single(response.Outputs);
        Assert.Equal(DemoModels.TextOutputName, output.Name);
        Assert.Equal("BYTES", output.Datatype);
        Assert.Equal([2L, BytesRequests.Width], output.Shape);
        Assert.Equal(values, BytesRequests.Output(response));
        Assert.Contains(values, v => v.Contains((byte)0xFF)); // the round trip included bytes that are not UTF-8
    }

    [Fact]
    public async Task Raw_input_is_answered_raw_in_the_same_serialization()
    {
        var values = BytesRequests.Values(3, 5);

        var response = await Client.ModelInferAsync(BytesRequests.Raw("text", values, 3));

        Assert.Null(Assert.Single(response.Outputs).Contents);
        Assert.Equal(BytesRequests.Serialize(values), Assert.Single(response.RawOutputContents).ToByteArray());
        Assert.Contains(values, v => v.Length == 0);
    }

    [Fact]
    public async Task A_request_mixing_bytes_and_fp32_gets_both_outputs_in_either_form()
    {
        var text = BytesRequests.Values(2, 7);
        var floats = AddRequests.Values(2, 7);
        var typed = new ModelInferRequest
        {
            ModelName = "text_add",
            Inputs =
            {
                new ModelInferRequest.Types.InferInputTensor
                {
                    Name = DemoModels.TextInputName, Datatype = "BYTES", Shape = { 2, BytesRequests.Width },
                    Contents = new InferTensorContents { BytesContents = { text.Select(ByteString.CopyFrom) } },
                },
                new ModelInferRequest.Types.InferInputTensor
                {
                    Name = DemoModels.TrivialInputName, Datatype = "FP32", Shape = { 2, AddRequests.Width },
                    Contents = new InferTensorContents { Fp32Contents = { floats } },
                },
            },
        };
        var raw = typed.Clone();
        foreach (var input in raw.Inputs)
        {
            input.Contents = null;
        }
        raw.RawInputContents.Add(ByteString.CopyFrom(BytesRequests.Serialize(text)));
        raw.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(floats.AsSpan())));

        foreach (var request in new[] { typed, raw })
        {
            var response = await Client.ModelInferAsync(request);
            Assert.Equal([DemoModels.TextOutputName, DemoModels.TrivialOutputName], response.Outputs.Select(o => o.Name));
            Assert.Equal(["BYTES", "FP32"], response.Outputs.Select(o => o.Datatype));
            Assert.Equal(text, BytesRequests.Output(response, 0));
            Assert.Equal(AddRequests.PlusOne(floats), AddRequests.Output(response, 1));
        }
    }

    [Fact]
    public async Task Metadata_says_BYTES_and_config_says_TYPE_STRING()
    {
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "text_add" });
        Assert.Equal(["BYTES", "FP32"], metadata.Inputs.Select(i => i.Datatype));
        Assert.Equal([-1L, BytesRequests.Width], metadata.Inputs[0].Shape);
        Assert.Equal(["BYTES", "FP32"], metadata.Outputs.Select(o => o.Datatype));

        var config = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "text" })).Config;
        Assert.Equal(DataType.TypeString, Assert.Single(config.Input).DataType);
        Assert.Equal(DataType.TypeString, Assert.Single(config.Output).DataType);
    }

    [Fact]
    public async Task A_length_prefix_running_past_the_end_is_refused_naming_the_input()
    {
        var data = BytesRequests.Serialize(BytesRequests.Values(1, 1));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(data.Length - 4 - BytesRequests.Values(1, 1)[1].Length), 1000);
        var request = RawRequest(data);

        var error = await Refused(request);

        Assert.Contains("input 'TEXT' of model 'text' is BYTES: element 1's byte size indicator (1000) exceeds the end of the buffer", error);
    }

    [Fact]
    public async Task Trailing_bytes_after_the_last_element_are_refused()
    {
        byte[] data = [.. BytesRequests.Serialize(BytesRequests.Values(1, 2)), 1, 0];

        var error = await Refused(RawRequest(data));

        Assert.Contains("input 'TEXT' of model 'text' is BYTES: element 2 has an incomplete 4-byte length indicator (2 bytes left", error);
    }

    [Fact]
    public async Task Too_few_or_too_many_elements_for_the_shape_are_refused_in_both_forms()
    {
        var three = BytesRequests.Values(2, 4)[..3];

        var raw = await Refused(RawRequest(BytesRequests.Serialize(three), rows: 2));
        Assert.Contains("input 'TEXT' of model 'text' has 3 BYTES elements in raw data, expected 4 for shape [2,2]", raw);

        var typed = await Refused(BytesRequests.Typed("text", three, 2));
        Assert.Contains("input 'TEXT' of model 'text' has 3 elements in bytes_contents, expected 4 for shape [2,2]", typed);

        var five = BytesRequests.Values(3, 4)[..5];
        var more = await Refused(RawRequest(BytesRequests.Serialize(five), rows: 2));
        Assert.Contains("has 5 BYTES elements in raw data, expected 4", more);
    }

    [Fact]
    public async Task A_wrong_datatype_is_refused_either_way_round()
    {
        var asFloat = BytesRequests.Raw("text", BytesRequests.Values(1, 1), 1);
        asFloat.Inputs[0].Datatype = "FP32";
        Assert.Contains("inference input 'TEXT' data-type is 'FP32', but model 'text' expects 'BYTES'", await Refused(asFloat));

        var asBytes = new ModelInferRequest
        {
            ModelName = "text_add",
            Inputs =
            {
                BytesRequests.Input(1),
                new ModelInferRequest.Types.InferInputTensor { Name = DemoModels.TrivialInputName, Datatype = "BYTES", Shape = { 1, AddRequests.Width } },
            },
            RawInputContents = { ByteString.CopyFrom(BytesRequests.Serialize(BytesRequests.Values(1, 1))), ByteString.CopyFrom(new byte[64]) },
        };
        Assert.Contains("inference input 'INPUT0' data-type is 'BYTES', but model 'text_add' expects 'FP32'", await Refused(asBytes));
    }

    [Fact]
    public async Task Bytes_beyond_MaxRequestBytes_are_refused_before_running()
    {
        var big = new byte[BytesServerFixture.MaxRequestBytes];
        var request = BytesRequests.Typed("text", [big, [1]], 1);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("input 'TEXT'", error.Status.Detail);
    }

    private static ModelInferRequest RawRequest(byte[] data, int rows = 1) =>
        new() { ModelName = "text", Inputs = { BytesRequests.Input(rows) }, RawInputContents = { ByteString.CopyFrom(data) } };

    private async Task<string> Refused(ModelInferRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return error.Status.Detail;
    }
}

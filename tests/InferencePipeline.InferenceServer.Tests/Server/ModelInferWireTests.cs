using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// ModelInfer's request bytes exactly as a client might put them on the wire. The server parses ModelInfer with its
/// own pooled reader (raw inputs stay views of one receive buffer), so any field order protobuf allows, several raw
/// inputs, and broken payloads must behave as the generated parser would, with a clear refusal for the broken ones.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ModelInferWireTests(ServerFixture fixture)
{
    private static readonly Method<byte[], byte[]> RawModelInfer = new(
        MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    [Fact]
    public async Task Raw_inputs_before_the_other_fields_parse_like_any_order()
    {
        var values = AddRequests.Values(2, 7);
        var skeleton = AddRequests.Typed("add", values, 2, id: "wire-1");
        skeleton.Inputs[0].Contents = null;
        var raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

        // raw_input_contents (field 7) first, then fields 1-6: legal protobuf, unlike the generated writer's order.
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(7, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(raw));
        skeleton.WriteTo(output);
        output.Flush();

        var answer = ModelInferResponse.Parser.ParseFrom(await CallAsync(stream.ToArray()));

        Assert.Equal("wire-1", answer.Id);
        Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(answer));
    }

    [Fact]
    public async Task Raw_input_split_around_the_other_fields_and_unknown_fields_are_accepted()
    {
        var values = AddRequests.Values(1, 3);
        var request = AddRequests.Raw("add", values, 1, id: "wire-2");
        var bytes = request.ToByteArray();
        // An unknown varint field (number 99) appended: protobuf parsers skip it, so must ours.
        var unknown = new MemoryStream();
        var output = new CodedOutputStream(unknown);
        output.WriteTag(99, WireFormat.WireType.Varint);
        output.WriteUInt64(12345);
        output.Flush();

        var answer = ModelInferResponse.Parser.ParseFrom(await CallAsync([.. bytes, .. unknown.ToArray()]));

        Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(answer));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(3)]
    public async Task Truncated_request_is_refused_as_malformed(int cut)
    {
        var bytes = AddRequests.Raw("add", AddRequests.Values(1, 1), 1).ToByteArray();

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(bytes[..^cut]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("malformed request", error.Status.Detail);
    }

    [Fact]
    public async Task Many_requests_in_a_row_each_get_their_own_inputs_back()
    {
        // Receive buffers are pooled and reused: a buffer returned too early would show up as another request's data.
        var calls = Enumerable.Range(0, 64).Select(async i =>
        {
            var values = AddRequests.Values(1 + i % 4, i);
            var answer = await fixture.Client.ModelInferAsync(AddRequests.Raw("add_batched", values, 1 + i % 4, id: $"r{i}"));
            return (Expected: AddRequests.PlusOne(values), Actual: AddRequests.Output(answer));
        });

        foreach (var (expected, actual) in await Task.WhenAll(calls))
        {
            Assert.Equal(expected, actual);
        }
    }

    private async Task<byte[]> CallAsync(byte[] payload) =>
        await fixture.Channel.CreateCallInvoker().AsyncUnaryCall(RawModelInfer, null, new CallOptions(), payload);
}

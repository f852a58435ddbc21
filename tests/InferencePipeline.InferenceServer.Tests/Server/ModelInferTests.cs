using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class ModelInferTests(ServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task Raw_and_typed_requests_give_the_same_answer()
    {
        var values = AddRequests.Values(3, 1);
        var raw = await Client.ModelInferAsync(AddRequests.Raw("add", values, 3, id: "raw-1"));
        var typed = await Client.ModelInferAsync(AddRequests.Typed("add", values, 3, id: "typed-1"));

        Assert.Equal("raw-1", raw.Id);
        Assert.Equal("typed-1", typed.Id);
        Assert.Single(raw.RawOutputContents);
        Assert.Empty(typed.RawOutputContents);
        Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(raw));
        Assert.Equal(AddRequests.Output(raw), AddRequests.Output(typed));
        foreach (var response in new[] { raw, typed })
        {
            var output = Assert.Single(response.Outputs);
            Assert.Equal(("OUTPUT0", "FP32"), (output.Name, output.Datatype));
            Assert.Equal([3L, 16L], output.Shape);
            Assert.Equal(("add", "1"), (response.ModelName, response.ModelVersion));
        }
    }

    [Fact]
    public async Task Model_without_batching_takes_full_shapes()
    {
        var values = AddRequests.Values(5, 2);
        var response = await Client.ModelInferAsync(AddRequests.Raw("add_nobatch", values, 5));
        Assert.Equal([5L, 16L], response.Outputs[0].Shape);
        Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(response));
    }

    [Fact]
    public async Task Requested_outputs_are_honoured_and_unknown_ones_refused()
    {
        var request = AddRequests.Raw("add", AddRequests.Values(1, 3), 1);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT0" });
        var response = await Client.ModelInferAsync(request);
        Assert.Equal("OUTPUT0", Assert.Single(response.Outputs).Name);

        var wrong = AddRequests.Raw("add", AddRequests.Values(1, 3), 1);
        wrong.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "LOGITS" });
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(wrong).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'LOGITS'", error.Status.Detail);
    }

    [Fact]
    public async Task Unknown_model_is_NotFound_with_Triton_message()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelInferAsync(AddRequests.Raw("missing", AddRequests.Values(1, 0), 1)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("Request for unknown model: 'missing' is not found", error.Status.Detail);

        var metadata = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "missing" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, metadata.StatusCode);
    }

    [Fact]
    public async Task Wrong_input_name_is_refused_naming_expected_and_got()
    {
        var request = AddRequests.Raw("add", AddRequests.Values(1, 0), 1);
        request.Inputs[0].Name = "input_ids";
        var error = await Refused(request, StatusCode.InvalidArgument);
        Assert.Contains("'input_ids'", error);
        Assert.Contains("'INPUT0'", error);
    }

    [Fact]
    public async Task Wrong_datatype_is_refused_naming_expected_and_got()
    {
        var request = AddRequests.Raw("add", AddRequests.Values(1, 0), 1);
        request.Inputs[0].Datatype = "INT32";
        var error = await Refused(request, StatusCode.InvalidArgument);
        Assert.Contains("'INPUT0'", error);
        Assert.Contains("'INT32'", error);
        Assert.Contains("'FP32'", error);
    }

    [Fact]
    public async Task Wrong_shape_is_refused_naming_expected_and_got()
    {
        var request = AddRequests.Raw("add", new float[2 * 8], 2);
        request.Inputs[0].Shape[1] = 8;
        var error = await Refused(request, StatusCode.InvalidArgument);
        Assert.Contains("'INPUT0'", error);
        Assert.Contains("[-1,16]", error);
        Assert.Contains("[2,8]", error);
    }

    [Fact]
    public async Task Raw_bytes_not_matching_the_shape_are_refused()
    {
        var request = AddRequests.Raw("add", AddRequests.Values(1, 0), 1);
        request.Inputs[0].Shape[0] = 2;
        var error = await Refused(request, StatusCode.InvalidArgument);
        Assert.Contains("64 bytes of raw data, expected 128", error);
    }

    [Fact]
    public async Task Batch_larger_than_max_batch_size_is_refused()
    {
        var error = await Refused(AddRequests.Raw("add", AddRequests.Values(9, 0), 9), StatusCode.InvalidArgument);
        Assert.Contains("batch-size must be <= 8", error);
        Assert.Contains("got 9", error);
    }

    [Fact]
    public async Task Oversize_request_is_refused_naming_the_limit()
    {
        var rows = (int)(ServerFixture.MaxRequestBytes / (AddRequests.Width * sizeof(float))) + 1;
        var error = await Refused(AddRequests.Raw("add_nobatch", AddRequests.Values(rows, 0), rows), StatusCode.ResourceExhausted);
        Assert.Contains(ServerFixture.MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), error);
        Assert.Contains("MaxRequestBytes", error);
    }

    [Fact]
    public async Task Statistics_count_successes_failures_and_executions()
    {
        var before = (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "add_nobatch" })).ModelStats.Single();
        for (var i = 0; i < 3; i++)
        {
            await Client.ModelInferAsync(AddRequests.Raw("add_nobatch", AddRequests.Values(2, i), 2));
        }
        var bad = AddRequests.Raw("add_nobatch", AddRequests.Values(2, 0), 2);
        bad.Inputs[0].Datatype = "FP64";
        await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(bad).ResponseAsync);

        var after = (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "add_nobatch" })).ModelStats.Single();
        Assert.Equal(("add_nobatch", "1"), (after.Name, after.Version));
        Assert.Equal(3UL, after.InferenceStats.Success.Count - before.InferenceStats.Success.Count);
        Assert.Equal(1UL, after.InferenceStats.Fail.Count - before.InferenceStats.Fail.Count);
        Assert.Equal(3UL, after.InferenceStats.Queue.Count - before.InferenceStats.Queue.Count);
        Assert.Equal(3UL, after.InferenceStats.ComputeInfer.Count - before.InferenceStats.ComputeInfer.Count);
        Assert.True(after.InferenceStats.ComputeInfer.Ns > before.InferenceStats.ComputeInfer.Ns);
        Assert.True(after.InferenceStats.Success.Ns > before.InferenceStats.Success.Ns);
        Assert.Equal(3UL, after.ExecutionCount - before.ExecutionCount);
        Assert.Equal(3UL, after.InferenceCount - before.InferenceCount);
        Assert.True(after.LastInference > 0);

        var all = await Client.ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Contains(all.ModelStats, s => s.Name == "add");
        Assert.Contains(all.ModelStats, s => s.Name == "add_batched");
    }

    private async Task<string> Refused(ModelInferRequest request, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);
        Assert.Equal(expected, error.StatusCode);
        return error.Status.Detail;
    }
}

using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace InferencePipeline.InferenceServer.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class FileOverrideTests(ServerFixture fixture)
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Client;

    [Fact]
    public async Task A_model_absent_from_the_repository_loads_from_override_files_with_its_versions()
    {
        const string Name = "add_from_files";
        Assert.False(Directory.Exists(Path.Combine(fixture.Repository.Root, Name)));
        var request = new RepositoryModelLoadRequest
        {
            ModelName = Name,
            Parameters =
            {
                ["config"] = new ModelRepositoryParameter { StringParam = OverrideFiles.ConfigJson(Name, 4) },
                ["file:1/model.onnx"] = new ModelRepositoryParameter { BytesParam = ByteString.CopyFrom(OverrideFiles.AddConstantModel(7)) },
                ["file:2/model.onnx"] = new ModelRepositoryParameter { BytesParam = ByteString.CopyFrom(OverrideFiles.AddConstantModel(70)) },
            },
        };
        try
        {
            await Client.RepositoryModelLoadAsync(request);
            Assert.Equal(7f, await AddendAsync(Name, "1"));
            Assert.Equal(70f, await AddendAsync(Name, "2"));
            Assert.Equal(70f, await AddendAsync(Name, ""));
            Assert.Equal(4, (await Client.ModelConfigAsync(new ModelConfigRequest { Name = Name })).Config.MaxBatchSize);
            var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
            Assert.Equal(["1", "2"], index.Models.Where(m => m.Name == Name).Select(m => m.Version));
            // The server materialises the files privately, never in the repository.
            Assert.False(Directory.Exists(Path.Combine(fixture.Repository.Root, Name)));
        }
        finally
        {
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = Name });
        }
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = Name })).Ready);
    }

    [Fact]
    public async Task Override_files_replace_the_repository_entry_of_a_model_that_has_one()
    {
        // The repository's files for this model add 1; the override's add 5 and must be the ones served.
        await fixture.Repository.AddModelAsync("add_replaced", 8);
        try
        {
            await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
            {
                ModelName = "add_replaced",
                Parameters =
                {
                    ["config"] = new ModelRepositoryParameter { StringParam = OverrideFiles.ConfigJson("add_replaced", 8) },
                    ["file:3/model.onnx"] = new ModelRepositoryParameter { BytesParam = ByteString.CopyFrom(OverrideFiles.AddConstantModel(5)) },
                },
            });
            Assert.Equal(5f, await AddendAsync("add_replaced", "3"));
            Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_replaced", Version = "1" })).Ready);
        }
        finally
        {
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "add_replaced" });
        }
    }

    [Fact]
    public async Task Files_without_a_config_are_refused()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
        {
            ModelName = "add_no_config",
            Parameters = { ["file:1/model.onnx"] = new ModelRepositoryParameter { BytesParam = ByteString.CopyFrom(OverrideFiles.AddConstantModel(1)) } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'file:1/model.onnx'", error.Status.Detail);
        Assert.Contains("'config' parameter", error.Status.Detail);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_no_config" })).Ready);
    }

    [Theory]
    [InlineData("file:../../{0}")]
    [InlineData("file:1/../../{0}")]
    [InlineData("file:/tmp/{0}")]
    [InlineData("file:")]
    public async Task File_paths_that_leave_the_model_directory_are_refused(string keyPattern)
    {
        var escaped = "escaped-" + Guid.NewGuid().ToString("N");
        var key = string.Format(System.Globalization.CultureInfo.InvariantCulture, keyPattern, escaped);
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
        {
            ModelName = "add_traversal",
            Parameters =
            {
                ["config"] = new ModelRepositoryParameter { StringParam = OverrideFiles.ConfigJson("add_traversal", 8) },
                ["file:1/model.onnx"] = new ModelRepositoryParameter { BytesParam = ByteString.CopyFrom(OverrideFiles.AddConstantModel(1)) },
                [key] = new ModelRepositoryParameter { BytesParam = ByteString.CopyFromUtf8("payload") },
            },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"invalid file override '{key}'", error.Status.Detail);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), escaped)));
        Assert.False(File.Exists(Path.Combine("/tmp", escaped)));
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "add_traversal" })).Ready);
    }

    [Fact]
    public async Task A_file_parameter_that_is_not_bytes_is_refused()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
        {
            ModelName = "add_string_file",
            Parameters =
            {
                ["config"] = new ModelRepositoryParameter { StringParam = OverrideFiles.ConfigJson("add_string_file", 8) },
                ["file:1/model.onnx"] = new ModelRepositoryParameter { StringParam = "not bytes" },
            },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'file:1/model.onnx'", error.Status.Detail);
        Assert.Contains("bytes_param", error.Status.Detail);
    }

    private async Task<float> AddendAsync(string model, string version)
    {
        var values = AddRequests.Values(2, 6);
        var request = AddRequests.Raw(model, values, 2);
        request.ModelVersion = version;
        var output = AddRequests.Output(await Client.ModelInferAsync(request));
        var addend = output[0] - values[0];
        Assert.Equal(values.Select(v => v + addend), output);
        return addend;
    }
}

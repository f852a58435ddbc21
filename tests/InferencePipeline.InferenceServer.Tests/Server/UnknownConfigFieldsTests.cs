using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Repository;
using InferencePipeline.ModelRepository;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>A Triton config with fields the embedded server does not know still loads and serves.</summary>
[Collection(ServerCollection.Name)]
public sealed class UnknownConfigFieldsTests(ServerFixture fixture)
{
    // The add model's config as Triton users write it, with Triton-only fields at the top and inside a group.
    private const string TritonConfig = """
        name: "{0}"
        backend: "onnxruntime"
        max_batch_size: 8
        model_transaction_policy { decoupled: false }
        input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
        output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
        instance_group [
          {
            count: 1
            kind: KIND_CPU
            rate_limiter_v2 { priority: 1 }
          }
        ]
        sequence_batching {
          max_sequence_idle_microseconds: 5000000
          control_input [ { name: "START" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1 ] } ] } ]
        }
        """;

    [Fact]
    public async Task Server_loads_and_serves_a_model_whose_config_has_unknown_fields()
    {
        const string name = "add_unknown_fields";
        await WriteModelAsync(name);
        try
        {
            await fixture.Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name });

            var config = (await fixture.Client.ModelConfigAsync(new ModelConfigRequest { Name = name })).Config;
            Assert.Equal((8, 1), (config.MaxBatchSize, config.InstanceGroup[0].Count));
            var values = AddRequests.Values(3, 7);
            var response = await fixture.Client.ModelInferAsync(AddRequests.Raw(name, values, 3));
            Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(response));
        }
        finally
        {
            await fixture.Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = name });
        }
    }

    [Fact]
    public async Task Loader_warns_once_naming_each_unknown_field_and_its_line()
    {
        const string name = "add_unknown_fields_log";
        await WriteModelAsync(name);
        var logger = new RecordingLogger<ModelLoader>();
        var loader = new ModelLoader(new InferenceServerOptions { ModelRepository = fixture.Repository.Root }, logger);

        var versions = loader.Load(name, modelOverride: null);
        versions.Retire();
        await Task.WhenAll(versions.All.Select(v => v.Released));

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Contains($"Model {name}:", warning);
        Assert.Contains("'model_transaction_policy' (line 4)", warning);
        Assert.Contains("'instance_group[0].rate_limiter_v2' (line 11)", warning);
        Assert.Contains("'sequence_batching' (line 14)", warning);
        Assert.EndsWith("kept, not used by the embedded server", warning);
    }

    [Fact]
    public async Task A_malformed_unknown_value_fails_the_load_naming_the_line()
    {
        const string name = "add_unknown_fields_bad";
        await fixture.Repository.AddModelAsync(name, 8);
        await File.WriteAllTextAsync(ModelRepositoryLayout.ConfigPath(fixture.Repository.Root, name),
            "name: \"add_unknown_fields_bad\"\nmax_batch_size: 8\nsequence_batching {\n  oldest { max_candidate_sequences: 4 \n");

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = name }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("line 5, column 1: missing '}' to close the block of unknown field 'oldest' opened at line 4", e.Status.Detail);
    }

    private async Task WriteModelAsync(string name)
    {
        await fixture.Repository.AddModelAsync(name, 8);
        await File.WriteAllTextAsync(ModelRepositoryLayout.ConfigPath(fixture.Repository.Root, name), TritonConfig.Replace("{0}", name));
    }
}

using Google.Protobuf;
using Inference;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// The execution provider comes from the config as in Triton's ORT backend: KIND_GPU instances run on CUDA and a
/// "tensorrt" GPU accelerator adds TensorRT. Where the hardware lacks them the model still loads on CPU, serves, and
/// says so in the repository index (and the log) instead of failing or pretending.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ExecutionProviderConfigTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("cuda", false)]
    [InlineData("tensorrt", true)]
    public async Task Gpu_config_loads_serves_and_reports_what_it_runs_on(string suffix, bool tensorRt)
    {
        var name = $"add_gpu_{suffix}";
        await fixture.Repository.AddModelAsync(name, 8);
        var config = (await fixture.Client.ModelConfigAsync(new ModelConfigRequest { Name = "add" })).Config.Clone();
        config.Name = name;
        config.InstanceGroup.Clear();
        config.InstanceGroup.Add(new ModelInstanceGroup { Kind = ModelInstanceGroup.Types.Kind.Gpu, Count = 1, Gpus = { 0 } });
        if (tensorRt)
        {
            config.Optimization = new ModelOptimizationPolicy
            {
                ExecutionAccelerators = new ModelOptimizationPolicy.Types.ExecutionAccelerators
                {
                    GpuExecutionAccelerator = { new ModelOptimizationPolicy.Types.ExecutionAccelerators.Types.Accelerator { Name = "tensorrt" } },
                },
            };
        }

        try
        {
            await fixture.Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest
            {
                ModelName = name,
                Parameters = { ["config"] = new ModelRepositoryParameter { StringParam = JsonFormatter.Default.Format(config) } },
            });

            var values = AddRequests.Values(2, 4);
            var response = await fixture.Client.ModelInferAsync(AddRequests.Raw(name, values, 2));
            Assert.Equal(AddRequests.PlusOne(values), AddRequests.Output(response));

            var index = await fixture.Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
            var entry = Assert.Single(index.Models, m => m.Name == name);
            var providers = ExecutionProviders.Detect();
            var wanted = tensorRt ? "TensorRT" : "CUDA";
            if (tensorRt ? providers.TensorRt : providers.Cuda)
            {
                Assert.DoesNotContain("using CPU", entry.Reason);
            }
            else
            {
                Assert.Contains(wanted, entry.Reason);
                Assert.Contains("using CPU", entry.Reason);
            }
        }
        finally
        {
            await fixture.Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = name });
        }
    }
}

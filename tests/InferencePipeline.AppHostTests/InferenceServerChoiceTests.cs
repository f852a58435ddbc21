using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using InferencePipeline.AppHost.Infrastructure;

namespace InferencePipeline.AppHostTests;

/// <summary>Which server runs on which machine, and the Triton container the AppHost runs where it can.</summary>
public sealed class InferenceServerChoiceTests : IDisposable
{
    private readonly string _artifactsRoot = Directory.CreateTempSubdirectory("inferpipe-apphost-triton-").FullName;

    public void Dispose() => Directory.Delete(_artifactsRoot, recursive: true);

    [Theory]
    [InlineData("auto", false, true, true, InferenceServerKind.Triton)]
    [InlineData("auto", false, true, false, InferenceServerKind.Embedded)]
    [InlineData("auto", false, false, true, InferenceServerKind.Embedded)]
    [InlineData("auto", false, false, false, InferenceServerKind.Embedded)]
    [InlineData(null, false, true, true, InferenceServerKind.Triton)]
    [InlineData("auto", true, true, true, InferenceServerKind.Embedded)]
    [InlineData("triton", false, false, false, InferenceServerKind.Triton)]
    [InlineData("triton", true, false, false, InferenceServerKind.Triton)]
    [InlineData("Embedded", false, true, true, InferenceServerKind.Embedded)]
    public void The_server_is_triton_only_where_triton_can_run_or_is_asked_for(string? configured, bool publishing, bool docker, bool gpu, InferenceServerKind expected)
    {
        Assert.Equal(expected, InferenceServerChoice.Decide(configured, publishing, () => docker, () => gpu));
    }

    [Fact]
    public void An_unknown_kind_names_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => InferenceServerChoice.Decide("tensorrt", false, () => true, () => true));
        Assert.Contains("use auto, triton or embedded", error.Message);
    }

    [Fact]
    public async Task The_triton_container_mounts_the_repository_controls_models_explicitly_and_is_ready_on_v2_health_ready()
    {
        string[] args =
        [
            "--Infrastructure:Mode=Existing",
            "--ConnectionStrings:rabbitmq=amqp://guest:guest@127.0.0.1:5672/",
            "--ConnectionStrings:redis=127.0.0.1:6379",
            $"--Pipeline:Artifacts:Root={_artifactsRoot}",
            "--InferenceServer:Kind=triton",
        ];
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.InferencePipeline_AppHost>(args);

        var triton = Assert.Single(builder.Resources.OfType<ContainerResource>(), r => r.Name == "inference-server");
        var image = Assert.Single(triton.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("nvcr.io/nvidia/tritonserver", TritonContainer.Tag), (image.Image, image.Tag));

        var repository = Path.Combine(_artifactsRoot, "model-repository");
        var mount = Assert.Single(triton.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((repository, repository, ContainerMountType.BindMount), (mount.Source, mount.Target, mount.Type));
        Assert.True(Directory.Exists(repository));

        var commandLine = string.Join(" ", await ArgumentsAsync(triton));
        Assert.Contains($"--model-repository={repository}", commandLine);
        Assert.Contains("--model-control-mode=explicit", commandLine);

        var endpoints = triton.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name, e => e.TargetPort);
        Assert.Equal(new Dictionary<string, int?> { ["http"] = 8000, ["grpc"] = 8001, ["metrics"] = 8002 }, endpoints);
        Assert.Contains("--gpus=all", triton.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>().Count() > 0 ? await RuntimeArgsAsync(triton) : []);
        Assert.Contains(triton.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key.Contains("inference-server", StringComparison.Ordinal));

        // The profiler and the deployer get Triton's gRPC address and the same repository path, and wait for it.
        foreach (var service in new[] { "triton-profiler", "deployer" })
        {
            var project = builder.Resources.OfType<ProjectResource>().Single(p => p.Name == service);
            Assert.Contains("inference-server", project.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name));
        }
    }

    private static async Task<List<string>> ArgumentsAsync(IResource resource)
    {
        var context = new CommandLineArgsCallbackContext([], resource);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.Args.Select(a => a.ToString()!).ToList();
    }

    private static async Task<List<string>> RuntimeArgsAsync(IResource resource)
    {
        var args = new List<object>();
        var context = new ContainerRuntimeArgsCallbackContext(args);
        foreach (var callback in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return args.Select(a => a.ToString()!).ToList();
    }
}

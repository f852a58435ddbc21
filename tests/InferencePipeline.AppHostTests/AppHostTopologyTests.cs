using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// Who talks to what, read from the AppHost's application model without starting anything: every service
/// waits for the broker, and only the services that keep state across restarts (the orchestrator and the
/// profiler) reference Redis and wait for it.
/// </summary>
public sealed class AppHostTopologyTests : IDisposable
{
    private static readonly string[] Services = ["orchestrator", "converter", "ort-tuner", "triton-profiler", "analyzer", "deployer"];
    private static readonly string[] StatefulServices = ["orchestrator", "triton-profiler"];

    private readonly string _artifactsRoot = Directory.CreateTempSubdirectory("inferpipe-apphost-model-").FullName;

    public void Dispose() => Directory.Delete(_artifactsRoot, recursive: true);

    [Theory]
    [InlineData("Existing")]
    [InlineData("Containers")]
    public async Task Only_the_services_that_keep_state_reference_and_wait_for_redis(string mode)
    {
        string[] args =
        [
            $"--Infrastructure:Mode={mode}",
            "--ConnectionStrings:rabbitmq=amqp://guest:guest@127.0.0.1:5672/",
            "--ConnectionStrings:redis=127.0.0.1:6379",
            $"--Pipeline:Artifacts:Root={_artifactsRoot}",
            "--InferenceServer:Kind=embedded",
        ];
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.InferencePipeline_AppHost>(args);

        var projects = builder.Resources.OfType<ProjectResource>().Where(p => Services.Contains(p.Name)).ToList();
        Assert.Equal(Services.Order(), projects.Select(p => p.Name).Order());
        Assert.All(projects, p => Assert.Contains("rabbitmq", References(p)));
        Assert.All(projects, p => Assert.Contains("rabbitmq", WaitsFor(p)));

        Assert.Equal(StatefulServices.Order(), projects.Where(p => References(p).Contains("redis")).Select(p => p.Name).Order());
        Assert.Equal(StatefulServices.Order(), projects.Where(p => WaitsFor(p).Contains("redis")).Select(p => p.Name).Order());
    }

    private static string[] References(IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource.Name)
            .ToArray();

    private static string[] WaitsFor(IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToArray();
}

using System.Text.Json.Nodes;
using InferencePipeline.Cloud.Aca;
using InferencePipeline.Testing.Cloud;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// What <c>dotnet run --project AppHost -- --publisher manifest</c> writes is deployable: only project, container,
/// parameter and value resources; no path, port or bind mount of this machine; RabbitMQ and Redis as containers
/// with volumes; secrets as parameters; every service's artifact store on the shared volume; the inference server
/// as chosen. And <c>publish aca</c> turns it into Bicep the real compiler accepts without warnings.
/// </summary>
public sealed class PublishedManifestTests
{
    private static readonly string[] Services = ["orchestrator", "converter", "ort-tuner", "triton-profiler", "analyzer", "deployer"];

    [Theory]
    [InlineData("embedded", "project.v0")]
    [InlineData("triton", "container.v0")]
    public async Task The_manifest_holds_nothing_of_this_machine_and_everything_the_cloud_needs(string server, string serverType)
    {
        using var manifest = await PublishedManifest.WriteAsync(server);

        var types = manifest.Resources.Select(r => r.Value!["type"]!.GetValue<string>()).Distinct().Order().ToList();
        Assert.All(types, t => Assert.Contains(t, new[] { "project.v0", "container.v0", "parameter.v0", "value.v0", "annotated.string" }));

        // No host path, no host port, no bind mount, no publish setting of Aspire's own.
        var strings = manifest.Strings().ToList();
        Assert.DoesNotContain(strings, s => s.Value.Contains(manifest.ArtifactsRoot, StringComparison.Ordinal) || s.Value.Contains(manifest.Directory, StringComparison.Ordinal));
        Assert.DoesNotContain(strings, s => s.Value.Contains(Path.GetTempPath(), StringComparison.Ordinal));
        Assert.All(manifest.Resources, r => Assert.Null(r.Value!["bindMounts"]));
        Assert.All(manifest.Resources.Where(r => r.Value!["bindings"] is not null), r =>
            Assert.All(r.Value!["bindings"]!.AsObject(), b => Assert.Null(b.Value!["port"])));
        Assert.DoesNotContain(strings, s => s.Where.Contains("Pipeline__Step", StringComparison.Ordinal) || s.Where.Contains("Pipeline__OutputPath", StringComparison.Ordinal));

        // The broker and the state store: containers whose data outlives them, passwords as secret parameters.
        foreach (var (store, target) in new[] { ("rabbitmq", "/var/lib/rabbitmq"), ("redis", "/data") })
        {
            Assert.Equal("container.v0", manifest[store]["type"]!.GetValue<string>());
            Assert.Equal(target, manifest[store]["volumes"]![0]!["target"]!.GetValue<string>());
            Assert.True(manifest[$"{store}-password"]["inputs"]!["value"]!["secret"]!.GetValue<bool>());
        }

        // The API key: a secret input of the manifest, generated when not given, reaching the orchestrator alone.
        Assert.True(manifest["api-key"]["inputs"]!["value"]!["secret"]!.GetValue<bool>());
        Assert.NotNull(manifest["api-key"]["inputs"]!["value"]!["default"]!["generate"]);
        Assert.Equal("{api-key.value}", manifest["orchestrator"]["env"]!["Pipeline__Api__Key"]!.GetValue<string>());
        Assert.All(Services.Where(s => s != "orchestrator"), s => Assert.Null(manifest[s]["env"]!["Pipeline__Api__Key"]));

        // Every service keeps its artifacts on the shared volume; settings given to the AppHost still reach the services.
        Assert.All(Services, s => Assert.Equal("/mnt/artifacts", manifest[s]["env"]!["Pipeline__Artifacts__Root"]!.GetValue<string>()));
        Assert.Equal("100", manifest["ort-tuner"]["env"]!["Pipeline__OrtTuner__WindowMs"]!.GetValue<string>());
        // The allowed roots reach the API and every stage that opens a model or input data, each of which checks them again.
        Assert.All(["orchestrator", "converter", "ort-tuner", "triton-profiler", "deployer"], s =>
            Assert.Equal(PublishedManifest.ModelsRoot, manifest[s]["env"]!["Pipeline__Models__AllowedRoots__0"]!.GetValue<string>()));
        Assert.Equal("/mnt/artifacts/model-repository", manifest["deployer"]["env"]!["Pipeline__InferenceServer__ModelRepository"]!.GetValue<string>());
        Assert.Equal("{inference-server.bindings.grpc.url}", manifest["triton-profiler"]["env"]!["Pipeline__InferenceServer__GrpcAddress"]!.GetValue<string>());

        // Only the orchestrator's API is external.
        Assert.Equal(["orchestrator"], manifest.Resources
            .Where(r => r.Value!["bindings"] is JsonObject b && b.Any(x => x.Value!["external"]?.GetValue<bool>() == true))
            .Select(r => r.Key));

        var inference = manifest["inference-server"];
        Assert.Equal(serverType, inference["type"]!.GetValue<string>());
        Assert.Equal(8001, inference["bindings"]!["grpc"]!["targetPort"]!.GetValue<int>());
        if (server == "triton")
        {
            Assert.Equal("nvcr.io/nvidia/tritonserver:25.01-py3", inference["image"]!.GetValue<string>());
            Assert.Equal("/mnt/artifacts", inference["volumes"]![0]!["target"]!.GetValue<string>());
            Assert.Contains("--model-control-mode=explicit", inference["args"]![1]!.GetValue<string>());
        }
        else
        {
            Assert.Contains("/mnt/artifacts/model-repository", inference["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        }
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("triton")]
    public async Task Publish_aca_turns_the_manifest_into_bicep_that_compiles_without_warnings(string server)
    {
        using var manifest = await PublishedManifest.WriteAsync(server);
        var output = Path.Combine(manifest.Directory, "infra");
        var options = new AcaPublishOptions { QueueScaledApps = new Dictionary<string, string> { ["converter"] = "convert-model", ["deployer"] = "deploy-model" } };

        AcaBicepWriter.Write(AcaPlan.From(AspireManifest.Load(manifest.Path), options), output, options);
        var build = await BicepCompiler.BuildAsync(typeof(PublishedManifestTests).Assembly, Path.Combine(output, "main.bicep"));

        Assert.True(build.ExitCode == 0, string.Join("\n", build.Diagnostics));
        Assert.Empty(build.Diagnostics);
        var resources = build.Template!["resources"] is JsonArray array ? array.Select(r => r!) : build.Template!["resources"]!.AsObject().Select(r => r.Value!);
        var modules = resources.Select(r => r["name"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["analyzer", "converter", "deployer", "environment", "inference-server", "orchestrator", "ort-tuner", "rabbitmq", "redis", "triton-profiler"], modules);
        Assert.Equal(["api_key", "rabbitmq_password", "redis_password"], build.Template!["parameters"]!.AsObject()
            .Where(p => p.Value!["type"]!.GetValue<string>() == "securestring").Select(p => p.Key).Order());
    }
}

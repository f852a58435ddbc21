using System.Text.Json.Nodes;
using InferencePipeline.Cloud.Aca;
using InferencePipeline.Testing.Cloud;

namespace InferencePipeline.Cloud.Tests.Aca;

/// <summary>
/// Bicep for Container Apps from an Aspire manifest shaped as the AppHost publishes it, compiled by the real Bicep
/// compiler: no errors, no warnings, and the resources, ingress, secrets, volumes and scale rules it should have.
/// </summary>
public sealed class AcaPublishTests : IDisposable
{
    private static readonly AcaPublishOptions Options = new()
    {
        QueueScaledApps = new Dictionary<string, string> { ["converter"] = "convert-model" },
    };

    private readonly string _output = Directory.CreateTempSubdirectory("inferpipe-aca-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Manifest_becomes_bicep_that_compiles_without_warnings_with_the_apps_it_describes()
    {
        var plan = AcaPlan.From(AspireManifest.Parse(SampleManifest.Json, "sample"), Options);
        AcaBicepWriter.Write(plan, _output, Options);

        var build = await BicepCompiler.BuildAsync(typeof(AcaPublishTests).Assembly, Path.Combine(_output, "main.bicep"));

        Assert.True(build.ExitCode == 0, string.Join("\n", build.Diagnostics));
        Assert.Empty(build.Diagnostics);
        var template = build.Template!;
        Assert.Equal("securestring", template["parameters"]!["rabbitmq_password"]!["type"]!.GetValue<string>());
        Assert.Equal("string", template["parameters"]!["orchestrator_image"]!["type"]!.GetValue<string>());

        var modules = Modules(template);
        Assert.Equal(["converter", "environment", "inference-server", "orchestrator", "rabbitmq"], modules.Keys.Order());

        // The environment: logs, storage with one share per volume, the apps' environment, its storages, the dashboard.
        var environment = NestedResources(modules["environment"]);
        Assert.Contains("Microsoft.OperationalInsights/workspaces", environment);
        Assert.Contains("Microsoft.Storage/storageAccounts/fileServices/shares", environment);
        Assert.Contains("Microsoft.App/managedEnvironments", environment);
        Assert.Contains("Microsoft.App/managedEnvironments/storages", environment);
        Assert.Contains("Microsoft.App/managedEnvironments/dotNetComponents", environment);
        Assert.Equal(["artifacts", "rabbitmq-data"], Param(modules["environment"], "shares")!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.False(Param(modules["environment"], "gpu")!.GetValue<bool>());
        Assert.All(modules.Where(m => m.Key != "environment"), m => Assert.Equal(["Microsoft.App/containerApps"], NestedResources(m.Value)));

        // Only the orchestrator is reachable from outside; the broker speaks TCP inside the environment.
        Assert.True(Param(modules["orchestrator"], "ingress")!["external"]!.GetValue<bool>());
        Assert.All(new[] { "converter", "inference-server", "rabbitmq" }, app => Assert.False(Param(modules[app], "ingress")!["external"]!.GetValue<bool>()));
        Assert.Equal("tcp", Param(modules["rabbitmq"], "ingress")!["transport"]!.GetValue<string>());
        Assert.Equal("http2", Param(modules["inference-server"], "ingress")!["transport"]!.GetValue<string>());

        // The stage scales on its queue with KEDA's rabbitmq scaler, authenticated by the broker's URI as a secret.
        var rule = Param(modules["converter"], "scaleRules")!.AsArray().Single()!;
        Assert.Equal("rabbitmq", rule["custom"]!["type"]!.GetValue<string>());
        Assert.Equal("convert-model", rule["custom"]!["metadata"]!["queueName"]!.GetValue<string>());
        Assert.Equal("scale-rabbitmq-uri", rule["custom"]!["auth"]![0]!["secretRef"]!.GetValue<string>());
        Assert.Equal(0, Param(modules["converter"], "minReplicas")!.GetValue<int>());
        Assert.Equal(1, Param(modules["orchestrator"], "maxReplicas")!.GetValue<int>());

        // Secrets never appear as plain env values; the artifact store's volume is mounted where each service looks.
        var converterEnv = Param(modules["converter"], "env")!.AsArray();
        var connection = converterEnv.Single(e => e!["name"]!.GetValue<string>() == "ConnectionStrings__rabbitmq")!;
        Assert.Equal("connectionstrings-rabbitmq", connection["secretRef"]!.GetValue<string>());
        Assert.Null(connection["value"]);
        Assert.Contains("uriComponent(parameters('rabbitmq_password'))", Param(modules["converter"], "secrets")!["connectionstrings-rabbitmq"]!.GetValue<string>());
        Assert.Equal("/mnt/artifacts", Param(modules["converter"], "volumes")![0]!["mountPath"]!.GetValue<string>());
        Assert.Equal("/var/lib/rabbitmq", Param(modules["rabbitmq"], "volumes")![0]!["mountPath"]!.GetValue<string>());
        Assert.Equal("http://inference-server", converterEnv.Single(e => e!["name"]!.GetValue<string>() == "Pipeline__InferenceServer__GrpcAddress")!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_triton_container_runs_on_the_gpu_profile()
    {
        var json = SampleManifest.Json.Replace(SampleManifest.EmbeddedServer, SampleManifest.TritonServer, StringComparison.Ordinal);
        var plan = AcaPlan.From(AspireManifest.Parse(json, "sample"), Options);
        AcaBicepWriter.Write(plan, _output, Options);

        var build = await BicepCompiler.BuildAsync(typeof(AcaPublishTests).Assembly, Path.Combine(_output, "main.bicep"));

        Assert.True(build.ExitCode == 0, string.Join("\n", build.Diagnostics));
        Assert.Empty(build.Diagnostics);
        var modules = Modules(build.Template!);
        Assert.True(Param(modules["environment"], "gpu")!.GetValue<bool>());
        Assert.Equal("gpu", Param(modules["inference-server"], "workloadProfileName")!.GetValue<string>());
        Assert.Equal("nvcr.io/nvidia/tritonserver:25.01-py3", Param(modules["inference-server"], "image")!.GetValue<string>());
        Assert.Equal([8000, 8002], Param(modules["inference-server"], "ingress")!["additionalPortMappings"]!.AsArray().Select(p => p!["targetPort"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("\"container.v0\"", "\"azure.bicep.v0\"", "is a azure.bicep.v0")]
    [InlineData("\"orchestrator\":", "\"Orchestrator_Api\":", "cannot be a container app name")]
    [InlineData("{rabbitmq.bindings.tcp.host}", "{nowhere.bindings.tcp.host}", "no resource 'nowhere'")]
    public void A_manifest_container_apps_cannot_run_is_refused_naming_the_resource(string replace, string with, string expected)
    {
        var json = SampleManifest.Json.Replace(replace, with, StringComparison.Ordinal);

        var error = Assert.Throws<AcaPublishException>(() => AcaPlan.From(AspireManifest.Parse(json, "sample"), Options));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_manifest_is_refused()
    {
        Assert.Contains("no \"resources\"", Assert.Throws<AcaPublishException>(() => AspireManifest.Parse("{}", "x.json")).Message);
        Assert.Contains("not JSON", Assert.Throws<AcaPublishException>(() => AspireManifest.Parse("{", "x.json")).Message);
        Assert.Contains("does not exist", Assert.Throws<AcaPublishException>(() => AspireManifest.Load(Path.Combine(_output, "none.json"))).Message);
    }

    private static Dictionary<string, JsonObject> Modules(JsonObject template) =>
        Resources(template).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments")
            .ToDictionary(r => r["name"]!.GetValue<string>(), r => r.AsObject());

    private static IEnumerable<JsonNode> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!),
        JsonObject map => map.Select(r => r.Value!),
        _ => [],
    };

    private static string[] NestedResources(JsonObject module) =>
        Resources(module["properties"]!["template"]!.AsObject()).Select(r => r["type"]!.GetValue<string>()).Distinct().Order().ToArray();

    private static JsonNode? Param(JsonObject module, string name) => module["properties"]!["parameters"]![name]?["value"];
}

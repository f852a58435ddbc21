using InferencePipeline.Cloud.Arm;

namespace InferencePipeline.Cloud.Tests.AzureMl;

/// <summary>
/// One deployment against the fake Azure: a checked bundle of the add model, an ARM client on the fake's TLS
/// connections with a test credential, and time that never waits. Collects the progress messages.
/// </summary>
public sealed class ArmDeploymentRun : IAsyncDisposable
{
    private ArmDeploymentRun(FakeAzureServer server, BundleRepository repository, AzureMlBundleResult bundle)
    {
        Server = server;
        Repository = repository;
        Bundle = bundle;
    }

    public FakeAzureServer Server { get; }

    public FakeAzureMl Azure => Server.Azure;

    public BundleRepository Repository { get; }

    public AzureMlBundleResult Bundle { get; }

    public InstantTimeProvider Time { get; } = new();

    public List<string> Progress { get; } = [];

    public AzureMlDeploymentSpec Spec { get; } = BundleRepository.Spec();

    public static async Task<ArmDeploymentRun> StartAsync()
    {
        var repository = await BundleRepository.CreateAsync();
        var bundle = await repository.WriteAsync();
        return new ArmDeploymentRun(await FakeAzureServer.StartAsync(), repository, bundle);
    }

    /// <summary>A live deployment of the same model on the spec's endpoint, as an earlier deploy would have left it.</summary>
    public Task SeedLiveAsync(string deployment = "blue") =>
        Azure.SeedLiveDeploymentAsync(Spec.EndpointName, deployment, Bundle.Repository, Spec.ModelName);

    public async Task<AzureMlDeploymentResult> DeployAsync(TestCredential? credential = null, ArmOptions? options = null)
    {
        using var http = Server.CreateClient();
        var arm = new ArmRestClient(http, credential ?? new TestCredential(), options ?? new ArmOptions(), Time);
        var deployment = new AzureMlOnlineDeployment(arm, FakeAzureMl.Workspace, smokeTolerance: 1e-3);
        return await deployment.DeployAsync(Spec, Bundle, (_, message) =>
        {
            lock (Progress)
            {
                Progress.Add(message);
            }

            return Task.CompletedTask;
        }, CancellationToken.None);
    }

    /// <summary>The ARM writes (PUT, POST, DELETE) that Azure accepted, as "METHOD last/path/segments".</summary>
    public IReadOnlyList<string> AcceptedArmWrites() =>
        Azure.Requests
            .Where(r => r.Host == "management.azure.com" && r.Method != "GET" && r.Status < 300)
            .Select(r => $"{r.Method} {string.Join('/', r.Path.Split('/').TakeLast(2))}")
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}

using Inference;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Cloud.Tests.AzureMl;

/// <summary>A Triton repository with the add model (OUTPUT0 = INPUT0 + 1) and a temp directory for the bundle; both deleted on dispose.</summary>
public sealed class BundleRepository : IDisposable
{
    public TestModelRepository Repository { get; } = new();

    public string Output { get; } = Directory.CreateTempSubdirectory("inferpipe-azureml-bundle-").FullName;

    public static AzureMlDeploymentSpec Spec(string endpoint = "add-endpoint", string instanceType = "Standard_NC6s_v3") =>
        new(endpoint, "add", instanceType, InstanceCount: 2);

    public static async Task<BundleRepository> CreateAsync(Action<ModelConfig>? configure = null)
    {
        var repository = new BundleRepository();
        await repository.Repository.AddAddAsync("add", maxBatchSize: 8, configure);
        return repository;
    }

    public Task<AzureMlBundleResult> WriteAsync(AzureMlDeploymentSpec? spec = null) =>
        AzureMlBundle.WriteAsync(spec ?? Spec(), Repository.Root, Output);

    public void Dispose()
    {
        Repository.Dispose();
        Directory.Delete(Output, recursive: true);
    }
}

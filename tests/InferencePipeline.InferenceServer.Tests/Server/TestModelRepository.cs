using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>A model repository in a temp directory, filled with the trivial demo models under several configs.</summary>
public sealed class TestModelRepository : IDisposable
{
    public TestModelRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "inferpipe-server-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes model.onnx (OUTPUT0 = INPUT0 + 1, FP32 [-1,16]) and a config.pbtxt shaped by <paramref name="configure"/>.</summary>
    public Task AddModelAsync(string name, int maxBatchSize, Action<ModelConfig>? configure = null) =>
        AddModelAsync(name, DemoModels.WriteAdd, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize, configure);

    /// <summary>Writes the model <paramref name="writeModel"/> makes and a default config for its interface, shaped by <paramref name="configure"/>.</summary>
    public async Task AddModelAsync(string name, Action<string> writeModel, IReadOnlyList<TensorSpec> inputs,
        IReadOnlyList<TensorSpec> outputs, int maxBatchSize, Action<ModelConfig>? configure = null)
    {
        writeModel(ModelRepositoryLayout.ModelPath(Root, name));
        var config = DefaultModelConfig.Create(name, inputs, outputs, maxBatchSize);
        configure?.Invoke(config);
        await ModelConfigFile.WriteAsync(ModelRepositoryLayout.ConfigPath(Root, name), config);
    }

    /// <summary>
    /// Writes one model with several versions: version v computes <c>OUTPUT0 = INPUT0 + <see cref="Addend"/>(v)</c>,
    /// so a response shows which version answered. <paramref name="root"/> defaults to <see cref="Root"/>.
    /// </summary>
    public async Task AddVersionedModelAsync(string name, int[] versions, int maxBatchSize, Action<ModelConfig>? configure = null,
        string? root = null)
    {
        root ??= Root;
        foreach (var version in versions)
        {
            DemoModels.WriteAddConstant(ModelRepositoryLayout.ModelPath(root, name, version), Addend(version));
        }
        var config = DefaultModelConfig.Create(name, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize);
        configure?.Invoke(config);
        await ModelConfigFile.WriteAsync(ModelRepositoryLayout.ConfigPath(root, name), config);
    }

    /// <summary>What version <paramref name="version"/> of a model from <see cref="AddVersionedModelAsync"/> adds.</summary>
    public static float Addend(int version) => version * 10f;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

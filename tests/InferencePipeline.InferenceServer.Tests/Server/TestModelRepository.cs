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

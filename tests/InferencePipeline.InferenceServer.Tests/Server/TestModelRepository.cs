using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>A model repository in a temp directory, filled with the trivial add-one model under several configs.</summary>
public sealed class TestModelRepository : IDisposable
{
    public TestModelRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "inferpipe-server-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes model.onnx (OUTPUT0 = INPUT0 + 1, FP32 [-1,16]) and a config.pbtxt shaped by <paramref name="configure"/>.</summary>
    public async Task AddModelAsync(string name, int maxBatchSize, Action<ModelConfig>? configure = null)
    {
        DemoModels.WriteAdd(ModelRepositoryLayout.ModelPath(Root, name));
        IReadOnlyList<TensorSpec> inputs = DemoModels.TrivialInputs;
        IReadOnlyList<TensorSpec> outputs = DemoModels.TrivialOutputs;
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

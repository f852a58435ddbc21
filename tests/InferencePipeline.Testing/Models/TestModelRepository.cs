using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Testing.Models;

/// <summary>
/// A Triton-layout model repository in a fresh temp directory, filled with demo models and their configs;
/// deleted on dispose. Each Add* method returns the config it wrote.
/// </summary>
public sealed class TestModelRepository : IDisposable
{
    public TestModelRepository()
        : this(Path.Combine(Path.GetTempPath(), $"inferpipe-repo-{Guid.NewGuid():N}"))
    {
    }

    /// <summary>A repository at <paramref name="root"/> (created), deleted on dispose like any other.</summary>
    public TestModelRepository(string root)
    {
        Root = root;
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The demo BERT with the baseline config; <paramref name="configure"/> may change it before writing.</summary>
    public Task<ModelConfig> AddBertAsync(string name = "bert", int maxBatchSize = 8, Action<ModelConfig>? configure = null) =>
        AddAsync(name, TestModels.Bert, DemoModels.BertInputs(), DemoModels.BertOutputs(), maxBatchSize, configure);

    /// <summary>OUTPUT0 = INPUT0 + 1.</summary>
    public Task<ModelConfig> AddAddAsync(string name = "add", int maxBatchSize = 8, Action<ModelConfig>? configure = null) =>
        AddAsync(name, TestModels.Add, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize, configure);

    /// <summary>OUTPUT0 = INPUT0.</summary>
    public Task<ModelConfig> AddIdentityAsync(string name = "identity", int maxBatchSize = 8, Action<ModelConfig>? configure = null) =>
        AddAsync(name, TestModels.Identity, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize, configure);

    public async Task<ModelConfig> AddAsync(
        string name,
        string onnxPath,
        IReadOnlyList<InferencePipeline.Contracts.TensorSpec> inputs,
        IReadOnlyList<InferencePipeline.Contracts.TensorSpec> outputs,
        int maxBatchSize,
        Action<ModelConfig>? configure = null,
        int version = 1)
    {
        var config = DefaultModelConfig.Create(name, inputs, outputs, maxBatchSize);
        configure?.Invoke(config);
        await ModelRepositoryLayout.CreateEntryAsync(Root, name, onnxPath, config, version);
        return config;
    }

    /// <summary>Writes model.onnx (OUTPUT0 = INPUT0 + 1, FP32 [-1,16]) and a config.pbtxt shaped by <paramref name="configure"/>.</summary>
    public Task AddModelAsync(string name, int maxBatchSize, Action<ModelConfig>? configure = null) =>
        AddModelAsync(name, DemoModels.WriteAdd, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize, configure);

    /// <summary>Writes the model <paramref name="writeModel"/> makes and a default config for its interface, shaped by <paramref name="configure"/>.</summary>
    public async Task AddModelAsync(string name, Action<string> writeModel, IReadOnlyList<InferencePipeline.Contracts.TensorSpec> inputs,
        IReadOnlyList<InferencePipeline.Contracts.TensorSpec> outputs, int maxBatchSize, Action<ModelConfig>? configure = null)
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

    public string EntryDirectory(string name) => ModelRepositoryLayout.EntryDirectory(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A server under test may still hold a file open; the temp dir is then left behind.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

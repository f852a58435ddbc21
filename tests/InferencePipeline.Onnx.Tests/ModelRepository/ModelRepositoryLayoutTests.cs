using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class ModelRepositoryLayoutTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("inferpipe-layout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Creates_config_and_versioned_model_file()
    {
        var config = DefaultModelConfig.Create("add", DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 8);

        string entry = await ModelRepositoryLayout.CreateEntryAsync(_root, "add", TestModels.Add, config);
        await ModelRepositoryLayout.CreateEntryAsync(_root, "add", TestModels.Add, config, version: 3);

        Assert.Equal(Path.Combine(_root, "add"), entry);
        Assert.Equal(config, ModelConfigFile.Read(Path.Combine(entry, "config.pbtxt")));
        Assert.Equal(File.ReadAllBytes(TestModels.Add), File.ReadAllBytes(Path.Combine(entry, "1", "model.onnx")));
        Assert.True(File.Exists(ModelRepositoryLayout.ModelPath(_root, "add", 3)));
        Assert.Equal([1, 3], ModelRepositoryLayout.Versions(entry));
        Assert.Equal(["add"], ModelRepositoryLayout.Models(_root));
        Assert.Empty(Directory.GetFiles(Path.Combine(entry, "1"), "*.tmp"));
    }

    [Fact]
    public async Task An_unnamed_config_gets_the_model_name_and_a_different_name_is_refused()
    {
        var config = DefaultModelConfig.Create("add", DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 8);
        config.Name = "";

        await ModelRepositoryLayout.CreateEntryAsync(_root, "plus_one", TestModels.Add, config);

        Assert.Equal("plus_one", ModelConfigFile.Read(ModelRepositoryLayout.ConfigPath(_root, "plus_one")).Name);
        Assert.Equal("", config.Name); // caller's object untouched
        config.Name = "other";
        await Assert.ThrowsAsync<ArgumentException>(() => ModelRepositoryLayout.CreateEntryAsync(_root, "plus_one", TestModels.Add, config));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("has space")]
    public void Names_that_could_escape_the_repository_are_rejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelRepositoryLayout.EntryDirectory(_root, name));
        Assert.Contains("invalid model name", e.Message);
    }

    [Fact]
    public async Task Missing_source_model_and_bad_version_are_reported()
    {
        var config = DefaultModelConfig.Create("m", DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 8);

        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            ModelRepositoryLayout.CreateEntryAsync(_root, "m", Path.Combine(_root, "nope.onnx"), config));
        Assert.Contains("nope.onnx", missing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelRepositoryLayout.VersionDirectory(_root, "m", 0));
        Assert.Empty(ModelRepositoryLayout.Versions(Path.Combine(_root, "absent")));
    }

    [Fact]
    public async Task Test_repository_fixture_builds_a_loadable_layout()
    {
        using var repo = new TestModelRepository();
        await repo.AddBertAsync();
        await repo.AddAddAsync(configure: c => c.DynamicBatching = new Inference.ModelDynamicBatching { PreferredBatchSize = { 4 } });

        Assert.Equal(["add", "bert"], ModelRepositoryLayout.Models(repo.Root));
        Assert.Equal([4], ModelConfigFile.Read(ModelRepositoryLayout.ConfigPath(repo.Root, "add")).DynamicBatching.PreferredBatchSize);
        var info = OnnxModelInspector.Inspect(ModelRepositoryLayout.ModelPath(repo.Root, "bert"));
        Assert.Equal(3, info.Inputs.Count);
    }
}

using Inference;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class ModelConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("inferpipe-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Write_then_read_round_trips_and_leaves_no_temp_file()
    {
        var config = new ModelConfig { Name = "m", MaxBatchSize = 4 };
        string path = Path.Combine(_dir, "sub", "config.pbtxt");

        await ModelConfigFile.WriteAsync(path, config);
        config.MaxBatchSize = 8;
        await ModelConfigFile.WriteAsync(path, config); // overwrite in place

        Assert.Equal(config, ModelConfigFile.Read(path));
        Assert.Equal(config, await ModelConfigFile.ReadAsync(path));
        Assert.Equal(["config.pbtxt"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Parse_errors_name_the_file()
    {
        string path = Path.Combine(_dir, "config.pbtxt");
        await File.WriteAllTextAsync(path, "name: \"m\"\n  max_batch_size: x\n");

        var e = Assert.Throws<ModelConfigFormatException>(() => ModelConfigFile.Read(path));

        Assert.StartsWith($"{path}: line 2, column 19:", e.Message);
    }
}

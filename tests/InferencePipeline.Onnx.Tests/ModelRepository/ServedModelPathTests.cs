using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class ServedModelPathTests : IDisposable
{
    private readonly string _entry = Directory.CreateTempSubdirectory("inferpipe-served-").FullName;

    public void Dispose() => Directory.Delete(_entry, recursive: true);

    private string ConfigPath => Path.Combine(_entry, ModelConfigFile.FileName);

    [Fact]
    public void The_highest_version_that_has_a_model_is_the_one_served()
    {
        WriteModel("1");
        WriteModel("2");
        Directory.CreateDirectory(Path.Combine(_entry, "10")); // an empty higher version is skipped, as Triton skips it
        WriteModel("notes");

        Assert.Equal(Path.Combine(_entry, "2", ModelRepositoryLayout.ModelFileName), ModelRepositoryLayout.ServedModelPath(ConfigPath, "re-run it."));
    }

    [Fact]
    public void An_entry_without_a_model_names_the_entry_and_the_callers_remedy()
    {
        Directory.CreateDirectory(Path.Combine(_entry, "1"));

        var error = Assert.Throws<FileNotFoundException>(() => ModelRepositoryLayout.ServedModelPath(ConfigPath, "re-run profiling."));

        Assert.Equal($"Repository entry {_entry} has no <version>/model.onnx next to its config.pbtxt; re-run profiling.", error.Message);
    }

    private void WriteModel(string version)
    {
        Directory.CreateDirectory(Path.Combine(_entry, version));
        File.WriteAllBytes(Path.Combine(_entry, version, ModelRepositoryLayout.ModelFileName), [1]);
    }
}

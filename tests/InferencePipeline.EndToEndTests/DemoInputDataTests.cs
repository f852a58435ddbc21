using InferencePipeline.Cli;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// The demo reads the user's files only under the current directory: input data elsewhere is refused before anything
/// starts, with the path and the fix, as the user's model is.
/// </summary>
public sealed class DemoInputDataTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("inferpipe-demo-data-").FullName;

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    [Fact]
    public async Task Input_data_outside_the_current_directory_is_refused_before_the_pipeline_starts()
    {
        var inputData = Path.Combine(_outside, "inputs.json");
        await File.WriteAllTextAsync(inputData, """{"data": [{"input_names": [1]}]}""");
        var console = new RecordingConsole();

        var exit = await InferpipeApp.Create(console.Console).RunAsync(
            ["demo", "--model", "seed-shaped", "--input-data", inputData, "--output", Path.Combine(_outside, "out")]);

        Assert.Equal(2, exit);
        Assert.Contains($"--input-data {inputData} is outside the current directory", console.Output);
        Assert.Contains("run it from a folder that holds the file", console.Output);
        Assert.DoesNotContain("Pipeline ", console.Output);
    }
}

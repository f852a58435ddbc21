using InferencePipeline.Cli;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>inferpipe deploy --target azureml</c> as users run it: without a workspace it writes the checked bundle and
/// exits 0; input Azure would refuse exits non-zero with nothing written.
/// </summary>
public sealed class DeployCommandTests : IAsyncLifetime
{
    private readonly TestModelRepository _repository = new();
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"inferpipe-deploy-{Guid.NewGuid():N}");

    public Task InitializeAsync() => _repository.AddAddAsync("add");

    public Task DisposeAsync()
    {
        _repository.Dispose();
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Without_a_workspace_the_bundle_is_written_and_the_command_exits_0()
    {
        var exitCode = await Deploy("--endpoint", "add-endpoint", "--instance-count", "2", "--auth-mode", "aml_token");

        Assert.Equal(0, exitCode);
        Assert.Contains("name: add-endpoint", File.ReadAllText(Path.Combine(_output, "endpoint.yml")));
        Assert.Contains("auth_mode: aml_token", File.ReadAllText(Path.Combine(_output, "endpoint.yml")));
        var deployment = File.ReadAllText(Path.Combine(_output, "deployment.yml"));
        Assert.Contains("type: triton_model", deployment);
        Assert.Contains("instance_count: 2", deployment);
        Assert.Equal(["add"], ModelRepositoryLayout.Models(Path.Combine(_output, "model_repository")));
    }

    [Theory]
    [InlineData("--endpoint", "Add_Endpoint")]
    [InlineData("--endpoint", "ep")]
    [InlineData("--instance-count", "0")]
    [InlineData("--auth-mode", "password")]
    [InlineData("--instance-type", "NC6s_v3")]
    [InlineData("--workspace", "ml-ws")]
    [InlineData("--subscription", "not-a-guid")]
    public async Task Input_azure_would_refuse_exits_non_zero_and_writes_nothing(string option, string value)
    {
        var exitCode = await Deploy(option, value);

        Assert.NotEqual(0, exitCode);
        Assert.False(Directory.Exists(_output));
    }

    [Fact]
    public async Task A_repository_triton_could_not_load_exits_non_zero_and_writes_nothing()
    {
        File.Delete(Path.Combine(_repository.EntryDirectory("add"), "1", "model.onnx"));

        var exitCode = await Deploy();

        Assert.Equal(2, exitCode);
        Assert.False(File.Exists(Path.Combine(_output, "deployment.yml")));
    }

    [Fact]
    public async Task A_target_other_than_azureml_is_refused()
    {
        var exitCode = await InferpipeApp.Create().RunAsync(
            ["deploy", "--target", "aws", "--model-repository", _repository.Root, "--model", "add", "--endpoint", "add-endpoint",
             "--instance-type", "Standard_NC6s_v3", "--output", _output]);

        Assert.NotEqual(0, exitCode);
        Assert.False(Directory.Exists(_output));
    }

    /// <summary>deploy --target azureml with valid options, any of which <paramref name="overrides"/> replaces.</summary>
    private Task<int> Deploy(params string[] overrides)
    {
        var options = new Dictionary<string, string>
        {
            ["--model-repository"] = _repository.Root,
            ["--model"] = "add",
            ["--endpoint"] = "add-endpoint",
            ["--instance-type"] = "Standard_NC6s_v3",
            ["--output"] = _output,
        };
        for (var i = 0; i < overrides.Length; i += 2)
        {
            options[overrides[i]] = overrides[i + 1];
        }

        return InferpipeApp.Create().RunAsync(["deploy", "--target", "azureml", .. options.SelectMany(o => new[] { o.Key, o.Value })]);
    }
}

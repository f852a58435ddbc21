using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Testing.Models;
using YamlDotNet.RepresentationModel;

namespace InferencePipeline.Cloud.Tests.AzureMl;

/// <summary>The bundle az ml deploys: CLI v2 YAML, the one chosen model, and the checks Azure ML's Triton would fail on.</summary>
public sealed class AzureMlBundleTests
{
    [Fact]
    public async Task Bundle_holds_cli_v2_yaml_the_chosen_model_and_the_commands_that_deploy_it()
    {
        using var repository = await BundleRepository.CreateAsync();
        // A second model in the source repository: the bundle must not carry it.
        await repository.Repository.AddIdentityAsync("other");

        var bundle = await repository.WriteAsync(BundleRepository.Spec() with { AuthMode = AzureMlAuthMode.AmlToken });

        var endpoint = ReadYaml(bundle.EndpointYaml);
        Assert.Equal(AzureMlYaml.EndpointSchema, endpoint["$schema"]);
        Assert.Equal("add-endpoint", endpoint["name"]);
        Assert.Equal("aml_token", endpoint["auth_mode"]);

        var deployment = ReadYaml(bundle.DeploymentYaml);
        Assert.Equal(AzureMlYaml.DeploymentSchema, deployment["$schema"]);
        Assert.Equal("blue", deployment["name"]);
        Assert.Equal("add-endpoint", deployment["endpoint_name"]);
        Assert.Equal("Standard_NC6s_v3", deployment["instance_type"]);
        Assert.Equal("2", deployment["instance_count"]);
        Assert.Equal("add", deployment["model.name"]);
        Assert.Equal("1", deployment["model.version"]);
        Assert.Equal("triton_model", deployment["model.type"]);
        Assert.Equal("./model_repository", deployment["model.path"]);

        // The repository path is relative to the YAML, as az ml resolves it, and holds the one model Triton will load.
        var repositoryDir = Path.Combine(Path.GetDirectoryName(bundle.DeploymentYaml)!, "model_repository");
        Assert.Equal(["add"], ModelRepositoryLayout.Models(repositoryDir));
        Assert.Equal(File.ReadAllBytes(TestModels.Add), File.ReadAllBytes(Path.Combine(repositoryDir, "add", "1", "model.onnx")));
        Assert.Equal("add", ModelConfigFile.Read(Path.Combine(repositoryDir, "add", "config.pbtxt")).Name);

        Assert.Equal(
        [
            $"az ml online-endpoint create --file {bundle.EndpointYaml}",
            $"az ml online-deployment create --file {bundle.DeploymentYaml} --all-traffic",
        ], bundle.Commands);
    }

    [Fact]
    public void Commands_name_the_workspace_when_it_is_known_and_quote_paths_a_shell_would_split()
    {
        var commands = AzureMlCliCommands.For("bundles/my bundle/endpoint.yml", "bundles/my bundle/deployment.yml", FakeAzureMl.Workspace);

        Assert.Equal(
            $"az ml online-endpoint create --file 'bundles/my bundle/endpoint.yml' --subscription {FakeAzureMl.Subscription} --resource-group ml-rg --workspace-name ml-ws",
            commands[0]);
        Assert.EndsWith("--all-traffic --subscription 00000000-1111-2222-3333-444444444444 --resource-group ml-rg --workspace-name ml-ws", commands[1]);
    }

    [Fact]
    public async Task A_second_bundle_into_the_same_directory_replaces_the_first_models()
    {
        using var repository = await BundleRepository.CreateAsync();
        await repository.Repository.AddIdentityAsync("ident");
        await repository.WriteAsync(BundleRepository.Spec() with { ModelName = "ident" });

        var bundle = await repository.WriteAsync();

        Assert.Equal(["add"], ModelRepositoryLayout.Models(bundle.Repository));
    }

    [Theory]
    [InlineData("bert_squad", "Standard_NC6s_v3", 1, "endpoint name 'bert_squad'")]
    [InlineData("ab", "Standard_NC6s_v3", 1, "shorter than 3")]
    [InlineData("add-endpoint", "NC6s_v3", 1, "is not an Azure VM size")]
    [InlineData("add-endpoint", "Standard_NC6s_v3", 0, "Instance count 0")]
    public async Task A_spec_azure_would_refuse_fails_before_anything_is_written(string endpoint, string instanceType, int count, string expected)
    {
        using var repository = await BundleRepository.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() =>
            repository.WriteAsync(new AzureMlDeploymentSpec(endpoint, "add", instanceType, count)));

        Assert.Contains(expected, error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(repository.Output));
    }

    [Fact]
    public async Task A_missing_repository_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-repo-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() =>
            AzureMlBundle.WriteAsync(BundleRepository.Spec(), missing, Path.Combine(Path.GetTempPath(), $"out-{Guid.NewGuid():N}")));

        Assert.Contains($"Model repository '{missing}' does not exist", error.Message);
    }

    [Fact]
    public async Task A_model_the_repository_does_not_hold_is_named_with_what_it_holds()
    {
        using var repository = await BundleRepository.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() => repository.WriteAsync(BundleRepository.Spec() with { ModelName = "bert" }));

        Assert.Contains("has no bert/config.pbtxt", error.Message);
        Assert.Contains("holds: add", error.Message);
    }

    [Fact]
    public async Task A_config_triton_cannot_parse_is_refused_with_line_and_column()
    {
        using var repository = await BundleRepository.CreateAsync();
        await File.AppendAllTextAsync(Path.Combine(repository.Repository.EntryDirectory("add"), "config.pbtxt"), "instance_group [ { count: } ]\n");

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() => repository.WriteAsync());

        Assert.Contains("Triton could not parse", error.Message);
        Assert.Contains("config.pbtxt", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(repository.Output));
    }

    [Fact]
    public async Task A_model_file_missing_beside_the_config_is_refused()
    {
        using var repository = await BundleRepository.CreateAsync();
        File.Delete(Path.Combine(repository.Repository.EntryDirectory("add"), "1", "model.onnx"));

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() => repository.WriteAsync());

        Assert.Contains("no <version>/model.onnx", error.Message);
    }

    [Fact]
    public async Task A_model_file_onnx_runtime_cannot_load_is_refused()
    {
        using var repository = await BundleRepository.CreateAsync();
        await File.WriteAllTextAsync(Path.Combine(repository.Repository.EntryDirectory("add"), "1", "model.onnx"), "not an onnx model");

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() => repository.WriteAsync());

        Assert.Contains("ONNX Runtime backend could not load", error.Message);
    }

    [Fact]
    public async Task A_config_that_does_not_fit_its_model_and_names_another_directory_lists_both_problems()
    {
        using var repository = await BundleRepository.CreateAsync(c => c.Output[0].Name = "NO_SUCH_OUTPUT");
        var configPath = Path.Combine(repository.Repository.EntryDirectory("add"), "config.pbtxt");
        var config = ModelConfigFile.Read(configPath);
        config.Name = "renamed";
        await ModelConfigFile.WriteAsync(configPath, config);

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() => repository.WriteAsync());

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("names the model 'renamed' but sits in directory 'add'"));
        Assert.Contains(error.Problems, p => p.Contains("NO_SUCH_OUTPUT"));
    }

    [Fact]
    public async Task A_gpu_config_on_a_vm_without_gpu_is_refused_and_runs_on_an_n_series()
    {
        using var repository = await BundleRepository.CreateAsync(c => c.InstanceGroup[0].Kind = ModelInstanceGroup.Types.Kind.Gpu);

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() => repository.WriteAsync(BundleRepository.Spec(instanceType: "Standard_DS3_v2")));
        Assert.Contains("KIND_GPU", error.Message);
        Assert.Contains("Standard_DS3_v2 has no GPU", error.Message);

        var bundle = await repository.WriteAsync(BundleRepository.Spec(instanceType: "Standard_NC4as_T4_v3"));
        Assert.Equal(ModelInstanceGroup.Types.Kind.Gpu, ModelConfigFile.Read(Path.Combine(bundle.Repository, "add", "config.pbtxt")).InstanceGroup[0].Kind);
    }

    [Fact]
    public async Task A_bundle_inside_the_source_repository_is_refused()
    {
        using var repository = await BundleRepository.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidDeploymentException>(() =>
            AzureMlBundle.WriteAsync(BundleRepository.Spec(), repository.Repository.Root, repository.Repository.Root));

        Assert.Contains("overlaps the model repository", error.Message);
    }

    /// <summary>The YAML's scalars by dotted path ("model.type"), read with a YAML parser as az ml reads the file.</summary>
    private static Dictionary<string, string> ReadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten((YamlMappingNode)stream.Documents[0].RootNode, "", values);
        return values;
    }

    private static void Flatten(YamlMappingNode node, string prefix, Dictionary<string, string> values)
    {
        foreach (var (key, value) in node.Children)
        {
            var name = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode child)
            {
                Flatten(child, name + ".", values);
            }
            else
            {
                values[name] = ((YamlScalarNode)value).Value!;
            }
        }
    }
}

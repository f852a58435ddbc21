using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Tests.Server;
using InferencePipeline.KServe.Client;

namespace InferencePipeline.InferenceServer.Tests.KServeClient;

/// <summary>Model control against the embedded server in explicit mode, over a real gRPC socket.</summary>
public sealed class KServeModelControlTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private readonly TestModelRepository _repository = new();
    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        await _repository.AddModelAsync("add", 8);
        _served = await ServedRepository.StartAsync(_repository, ModelControlMode.Explicit);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Fact]
    public async Task Loads_with_an_override_renamed_to_the_entry_then_unloads()
    {
        var control = new KServeModelControl(_served.Client);
        var config = (await ConfigOfAsync(control, "add")).Clone();
        config.Name = "add_config_3";
        config.InstanceGroup[0].Count = 3;

        await control.LoadAsync("add", config, ReadyTimeout, CancellationToken.None);

        var served = await ConfigOfAsync(control, "add", load: false);
        Assert.Equal("add", served.Name);
        Assert.Equal(3, served.InstanceGroup[0].Count);
        Assert.Null(await control.TryUnloadAsync("add", CancellationToken.None));
        Assert.False((await _served.Client.ModelReadyAsync(new ModelReadyRequest { Name = "add" })).Ready);
    }

    [Fact]
    public async Task A_refused_override_names_the_config_the_entry_and_the_servers_reason()
    {
        var control = new KServeModelControl(_served.Client);
        var config = (await ConfigOfAsync(control, "add")).Clone();
        config.Name = "add_config_broken";
        config.Input[0].Name = "NO_SUCH_INPUT";

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => control.LoadAsync("add", config, ReadyTimeout, CancellationToken.None));

        Assert.StartsWith("The inference server could not load config 'add_config_broken' (as 'add'): ", error.Message);
        Assert.Contains("NO_SUCH_INPUT", error.Message);
        Assert.Equal("add", error.Model);
        Assert.NotNull(error.Refusal);
        Assert.NotEqual(StatusCode.OK, error.Refusal.Value.StatusCode);
        Assert.False(KServeTransientFaults.IsTransient(error));
    }

    [Fact]
    public async Task A_refused_entry_is_named_without_a_config()
    {
        var control = new KServeModelControl(_served.Client);

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => control.LoadAsync("no_such_model", ReadyTimeout, CancellationToken.None));

        Assert.StartsWith("The inference server could not load 'no_such_model': ", error.Message);
        Assert.NotNull(error.Refusal);
    }

    /// <summary>The config the server serves for <paramref name="model"/>, loading it from its config.pbtxt first.</summary>
    private async Task<ModelConfig> ConfigOfAsync(KServeModelControl control, string model, bool load = true)
    {
        if (load)
        {
            await control.LoadAsync(model, ReadyTimeout, CancellationToken.None);
        }

        return (await _served.Client.ModelConfigAsync(new ModelConfigRequest { Name = model })).Config;
    }
}

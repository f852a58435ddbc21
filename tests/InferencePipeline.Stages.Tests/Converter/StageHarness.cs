using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Stages.Tests;

/// <summary>
/// One stage's real consumer on MassTransit's in-memory test harness, with its own temporary artifact root
/// (deleted on dispose) so tests running in parallel never share files. Used by the converter, tuner and
/// analyzer tests.
/// </summary>
public sealed class StageHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private StageHarness(ServiceProvider provider, string root)
    {
        _provider = provider;
        Root = root;
    }

    public string Root { get; }

    public ITestHarness Harness => _provider.GetRequiredService<ITestHarness>();

    public ArtifactStore Store => _provider.GetRequiredService<ArtifactStore>();

    public static async Task<StageHarness> StartAsync(
        Action<IBusRegistrationConfigurator> addStage,
        IDictionary<string, string?>? settings = null,
        TimeSpan? timeout = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "stages-tests-" + Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string?> { [ArtifactStoreOptions.Section + ":Root"] = root };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        services.AddMassTransitTestHarness(x =>
        {
            // A consumer that is still working counts as activity, so the inactivity timeout only ends waits
            // for messages that will never come; the test timeout caps slow stages (the tuner).
            x.SetTestTimeouts(testTimeout: timeout ?? TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(1));
            addStage(x);
        });

        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new StageHarness(provider, root);
        await harness.Harness.Start();
        return harness;
    }

    /// <summary>Sends a command to its stage queue (<see cref="QueueNames"/>) and waits until the consumer has finished with it.</summary>
    public async Task SendAndWaitAsync<TCommand>(TCommand command) where TCommand : class
    {
        var messageId = NewId.NextGuid();
        var endpoint = await Harness.Bus.GetSendEndpoint(QueueNames.For<TCommand>());
        await endpoint.Send(command, context => context.MessageId = messageId);
        Assert.True(await Harness.Consumed.Any<TCommand>(m => m.Context.MessageId == messageId),
            $"{typeof(TCommand).Name} was not consumed in time");
    }

    /// <summary>The one message of type <typeparamref name="T"/> the stage published, or null.</summary>
    public T? Published<T>() where T : class =>
        Harness.Published.Select<T>().Select(m => m.Context.Message).SingleOrDefault();

    public IReadOnlyList<T> AllPublished<T>() where T : class =>
        Harness.Published.Select<T>().Select(m => m.Context.Message).ToList();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

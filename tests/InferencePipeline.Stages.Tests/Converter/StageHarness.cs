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
        var configuration = new Dictionary<string, string?>
        {
            [ArtifactStoreOptions.Section + ":Root"] = root,
            // The test models and the harness's root are temp directories; the converter reads models only from allowed roots.
            [ModelIntakeOptions.Section + ":AllowedRoots:0"] = Path.GetTempPath(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        services.AddMassTransitTestHarness(x =>
        {
            // Reads of what was published wait for one quiet second; SendAndWaitAsync has already waited for the consumer.
            x.SetTestTimeouts(testTimeout: timeout ?? TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(1));
            addStage(x);
        });

        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new StageHarness(provider, root);
        await harness.Harness.Start();
        return harness;
    }

    /// <summary>
    /// Sends a command to its stage queue (<see cref="QueueNames"/>) and waits until the consumer has finished
    /// with it. The harness's own waits end at the first quiet second, which a long consumer (the tuner probing
    /// GPU libraries, measuring) can have; a consume observer waits for the very message instead.
    /// </summary>
    public async Task SendAndWaitAsync<TCommand>(TCommand command, TimeSpan? timeout = null) where TCommand : class
    {
        var messageId = NewId.NextGuid();
        var done = new ConsumedSignal(messageId);
        using var handle = Harness.Bus.ConnectConsumeObserver(done);
        var endpoint = await Harness.Bus.GetSendEndpoint(QueueNames.For<TCommand>());
        await endpoint.Send(command, context => context.MessageId = messageId);
        var limit = timeout ?? TimeSpan.FromSeconds(90);
        try
        {
            await done.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{typeof(TCommand).Name} was not consumed within {limit.TotalSeconds:0} s");
        }
    }

    /// <summary>The one message of type <typeparamref name="T"/> the stage has published so far, or null.</summary>
    public T? Published<T>() where T : class => AllPublished<T>().SingleOrDefault();

    /// <summary>
    /// What the stage has published so far. A cancelled token makes the harness return its list as it is
    /// instead of waiting for a quiet second; after <see cref="SendAndWaitAsync{TCommand}"/> nothing more is coming.
    /// </summary>
    public IReadOnlyList<T> AllPublished<T>() where T : class =>
        Harness.Published.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message).ToList();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>Completes when the message with one id has been consumed, successfully or not.</summary>
    private sealed class ConsumedSignal(Guid messageId) : IConsumeObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => System.Threading.Tasks.Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.MessageId == messageId)
            {
                _done.TrySetResult();
            }

            return System.Threading.Tasks.Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
        {
            if (context.MessageId == messageId)
            {
                _done.TrySetException(exception);
            }

            return System.Threading.Tasks.Task.CompletedTask;
        }
    }
}

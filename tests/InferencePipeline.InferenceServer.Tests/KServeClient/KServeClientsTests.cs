using Inference;
using InferencePipeline.InferenceServer.Tests.Server;
using InferencePipeline.KServe.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace InferencePipeline.InferenceServer.Tests.KServeClient;

/// <summary>The control clients as a service host gets them from dependency injection, against a real embedded server.</summary>
public sealed class KServeClientsTests : IAsyncLifetime
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
    public async Task The_configured_server_is_reached_through_the_client_factory()
    {
        await using var provider = Services(_served.Server.GrpcAddress).BuildServiceProvider();
        var clients = provider.GetRequiredService<KServeClients>();

        using var connection = clients.Connect();
        await connection.ModelControl.LoadAsync("add", ReadyTimeout, CancellationToken.None);

        Assert.Equal(_served.Server.GrpcAddress, connection.Address);
        Assert.True((await connection.Client.ModelReadyAsync(new ModelReadyRequest { Name = "add" })).Ready);
        Assert.Null(await connection.ModelControl.TryUnloadAsync("add", CancellationToken.None));
    }

    [Fact]
    public async Task Another_endpoint_gets_a_channel_of_its_own_over_the_same_handlers()
    {
        var configured = new Uri("http://127.0.0.1:1");
        await using var provider = Services(configured).BuildServiceProvider();
        var clients = provider.GetRequiredService<KServeClients>();

        using var connection = clients.Connect(_served.Server.GrpcAddress);

        Assert.Equal(_served.Server.GrpcAddress, connection.Address);
        Assert.True((await connection.Client.ServerLiveAsync(new ServerLiveRequest())).Live);
    }

    [Fact]
    public async Task Control_calls_get_one_resilience_handler_with_timings_for_model_loads()
    {
        // What ServiceDefaults does for every HttpClient of a service host.
        var services = Services(_served.Server.GrpcAddress);
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        await using var provider = services.BuildServiceProvider();
        using var connection = provider.GetRequiredService<KServeClients>().Connect();
        Assert.True((await connection.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(KServeClients.ControlClientName);
        var resilienceHandlers = 0;
        for (var h = handler as DelegatingHandler; h is not null; h = h.InnerHandler as DelegatingHandler)
        {
            resilienceHandlers += h is ResilienceHandler ? 1 : 0;
        }

        var options = provider.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(KServeClients.ControlClientName + "-standard");
        Assert.Equal(1, resilienceHandlers);
        Assert.True(options.AttemptTimeout.Timeout >= TimeSpan.FromMinutes(10), $"attempt timeout {options.AttemptTimeout.Timeout}");
    }

    [Fact]
    public void Registering_from_several_stages_registers_once()
    {
        var services = Services(_served.Server.GrpcAddress);
        var count = services.Count;

        services.AddKServeClient();

        Assert.Equal(count, services.Count);
    }

    private static ServiceCollection Services(Uri grpcAddress)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [InferenceServerEndpointOptions.Section + ":GrpcAddress"] = grpcAddress.ToString() })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddKServeClient();
        return services;
    }
}

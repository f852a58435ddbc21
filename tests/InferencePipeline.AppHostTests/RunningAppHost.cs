using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// The real AppHost, started once for the test class: DCP, RabbitMQ and Redis as executables, the embedded
/// inference server, the orchestrator and the five stages, each its own process, sharing a private
/// artifacts root. Disposing stops every process the AppHost started.
/// </summary>
public sealed class RunningAppHost : IAsyncLifetime
{
    /// <summary>Every service the pipeline needs; the test waits until each is healthy (or running, where it has no check).</summary>
    public static readonly string[] Services =
        ["rabbitmq-server", "redis-server", "inference-server", "orchestrator", "converter", "ort-tuner", "triton-profiler", "analyzer", "deployer"];

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private DistributedApplication? _app;

    public string ArtifactsRoot { get; } = Directory.CreateTempSubdirectory("inferpipe-apphost-test-").FullName;

    /// <summary>The api-key parameter the AppHost is given; <see cref="Orchestrator"/> sends it.</summary>
    public string ApiKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public HttpClient Orchestrator { get; private set; } = null!;

    /// <summary>The orchestrator without the key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public ResourceLogCollector Logs { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    /// <summary>When each service became healthy, counted from the start: where a slow startup spends its time.</summary>
    public string StartupTimeline { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(StartupTimeout);
        string[] args =
        [
            // No dev certificate on CI machines: DCP and the resource service talk plain HTTP on loopback.
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            $"--Pipeline:Artifacts:Root={ArtifactsRoot}",
            // Pinned rather than auto-detected, so a machine that happens to run Docker still tests the same topology.
            "--Infrastructure:Mode=Executables",
            "--InferenceServer:Kind=embedded",
            $"--Parameters:api-key={ApiKey}",
            // Forwarded by the AppHost to the tuner process: a four-setting search with short windows.
            "--Pipeline:OrtTuner:WindowMs=100",
            "--Pipeline:OrtTuner:MaxTrials=4",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.InferencePipeline_AppHost>(args, timeout.Token);
        // Every service's output would otherwise flood the test log; the collector keeps it for failure messages.
        builder.Services.AddLogging(logging => logging
            .AddFilter("InferencePipeline.AppHost.Resources", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            // RabbitMQ's check fails by design until the broker is up (~5 s) and again while it shuts down.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        _app = await builder.BuildAsync(timeout.Token);
        Logs = new ResourceLogCollector(_app);

        try
        {
            await _app.StartAsync(timeout.Token);
            var healthy = await Task.WhenAll(Services.Select(async name =>
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
                return $"{name} {clock.Elapsed.TotalSeconds:F1} s";
            }));
            StartupTimeline = string.Join(", ", healthy);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The AppHost's resources were not all healthy within {StartupTimeout.TotalMinutes} minutes.\n" +
                $"States: {DescribeStates()}\n{Logs.Describe()}");
        }

        Orchestrator = _app.CreateHttpClient("orchestrator");
        Orchestrator.Timeout = TimeSpan.FromSeconds(30);
        Orchestrator.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        Anonymous = _app.CreateHttpClient("orchestrator");
        StartupTime = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        Orchestrator?.Dispose();
        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(ArtifactsRoot, recursive: true);
        }
        catch (IOException)
        {
            // A process that was slow to exit may still hold a file; the OS cleans temp eventually.
        }
    }

    /// <summary>Each resource's last known state (Running, Exited, FailedToStart...) and health.</summary>
    public string DescribeStates()
    {
        if (_app is null)
        {
            return "(not built)";
        }

        var notifications = _app.Services.GetRequiredService<ResourceNotificationService>();
        var model = _app.Services.GetRequiredService<DistributedApplicationModel>();
        return string.Join(", ", model.Resources.Select(resource =>
            notifications.TryGetCurrentState(resource.Name, out var state)
                ? $"{resource.Name}={state.Snapshot.State?.Text ?? "?"}/{state.Snapshot.HealthStatus?.ToString() ?? "no health"}"
                : $"{resource.Name}=unknown"));
    }
}

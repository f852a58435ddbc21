using InferencePipeline.LocalInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.AppHost.Infrastructure;

public static class PipelineInfrastructureExtensions
{
    /// <summary>
    /// RabbitMQ and Redis: containers when Docker runs (and always in publish mode, so the manifest is
    /// deployable), the local apt-installed servers as executables otherwise, or existing servers.
    /// </summary>
    public static PipelineInfrastructure AddPipelineInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue("Infrastructure:Mode", InfrastructureMode.Auto);
        if (mode == InfrastructureMode.Auto)
        {
            mode = builder.ExecutionContext.IsPublishMode || DockerDaemon.IsAvailable()
                ? InfrastructureMode.Containers
                : InfrastructureMode.Executables;
        }

        return mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder),
            InfrastructureMode.Executables => LocalServers.Add(builder),
            InfrastructureMode.Existing => AddExisting(builder),
            _ => throw new InvalidOperationException($"Unknown Infrastructure:Mode '{mode}'."),
        };
    }

    /// <summary>
    /// What every service needs: the broker's connection string, the shared artifact root, the AppHost's own
    /// <c>Pipeline:*</c> settings, a wait for the broker, and a health check on the service's /health: a project
    /// counts as healthy only once its bus is connected (MassTransit's check), not as soon as the process starts.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPipelineInfrastructure(
        this IResourceBuilder<ProjectResource> project, PipelineInfrastructure infrastructure, string artifactsRoot) =>
        project
            .WithReference(infrastructure.RabbitMq)
            .WithForwardedPipelineSettings()
            .WithEnvironment("Pipeline__Artifacts__Root", artifactsRoot)
            .WaitFor(infrastructure.RabbitMqReady)
            .WithHttpHealthCheck("/health");

    /// <summary>
    /// The state store, for the services that keep state across restarts (their hosts call <c>AddPipelineState</c>):
    /// the <c>redis</c> connection string and a wait for Redis. Their /health then also waits for Redis to answer.
    /// A stage without state gets neither, so it neither connects to Redis nor waits for it to start.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPipelineState(
        this IResourceBuilder<ProjectResource> project, PipelineInfrastructure infrastructure) =>
        project
            .WithReference(infrastructure.Redis)
            .WaitFor(infrastructure.RedisReady);

    /// <summary>
    /// Stage options given to the AppHost (<c>--Pipeline:OrtTuner:WindowMs=100</c>, appsettings, environment)
    /// reach every service as <c>Pipeline__OrtTuner__WindowMs</c>: the services are separate processes and
    /// would otherwise never see them. Each service reads only its own section.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithForwardedPipelineSettings(this IResourceBuilder<ProjectResource> project)
    {
        var section = project.ApplicationBuilder.Configuration.GetSection("Pipeline");
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is not null)
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }

    /// <summary>Every service on one machine shares this directory; in the cloud it is a mounted volume.</summary>
    public static string ArtifactsRoot(this IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["Pipeline:Artifacts:Root"];
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(builder.AppHostDirectory, "..", "..", "artifacts", "apphost")
            : configured;
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        return root;
    }

    private static PipelineInfrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var rabbit = builder.AddRabbitMQ("rabbitmq");
        var redis = builder.AddRedis("redis");
        return new(rabbit, rabbit, redis, redis);
    }

    private static PipelineInfrastructure AddExisting(IDistributedApplicationBuilder builder)
    {
        var rabbit = builder.AddConnectionString("rabbitmq");
        var redis = builder.AddConnectionString("redis");
        return new(rabbit, rabbit, redis, redis);
    }
}

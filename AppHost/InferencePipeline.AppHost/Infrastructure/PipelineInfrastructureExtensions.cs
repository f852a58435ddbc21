using InferencePipeline.LocalInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.AppHost.Infrastructure;

public static class PipelineInfrastructureExtensions
{
    /// <summary>Where every container of a published app mounts the shared artifacts volume (Azure Files in Container Apps).</summary>
    public const string CloudArtifactsRoot = "/mnt/artifacts";

    /// <summary>The shared volume's name in the manifest.</summary>
    public const string ArtifactsVolume = "artifacts";

    /// <summary>The setting that tells a service where the artifact store is; a publisher mounts the volume where it points.</summary>
    public const string ArtifactsRootVariable = "Pipeline__Artifacts__Root";

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
            .WithEnvironment(ArtifactsRootVariable, artifactsRoot)
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
            // Only Pipeline:<Section>:<Key>: Aspire keeps its own publishing settings (Pipeline:Step,
            // Pipeline:OutputPath) at the top of the same section, and those are no service's business.
            if (value is not null && key.Count(c => c == ':') >= 2)
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }

    /// <summary>
    /// Every service on one machine shares this directory; published, it is the shared volume's mount path, the
    /// same in every container, and no path of this machine reaches the manifest.
    /// </summary>
    public static string ArtifactsRoot(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return CloudArtifactsRoot;
        }

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
        if (builder.ExecutionContext.IsPublishMode)
        {
            // Durable queues and the saga's state must outlive a container restart in the cloud.
            rabbit.WithDataVolume("rabbitmq-data");
            redis.WithDataVolume("redis-data").WithAppendOnlyFile();
        }

        return new(rabbit, rabbit, redis, redis);
    }

    private static PipelineInfrastructure AddExisting(IDistributedApplicationBuilder builder)
    {
        var rabbit = builder.AddConnectionString("rabbitmq");
        var redis = builder.AddConnectionString("redis");
        return new(rabbit, rabbit, redis, redis);
    }
}

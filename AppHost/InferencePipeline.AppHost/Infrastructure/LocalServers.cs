using InferencePipeline.LocalInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// RabbitMQ and Redis from Debian's packages, run as executable resources in a private directory on free
/// ports: what works on a machine with no Docker daemon. The node layout, the binaries and the readiness
/// probe are the ones the test fixtures use (<c>InferencePipeline.LocalInfrastructure</c>); what is the
/// AppHost's own is running them as Aspire resources, with health checks the services wait for.
/// </summary>
public static class LocalServers
{
    private const string Otherwise =
        "set Infrastructure:Mode=Existing with ConnectionStrings:rabbitmq and ConnectionStrings:redis.";

    public static PipelineInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var rabbitMqServer = LocalServerBinaries.RequireRabbitMq(Otherwise);
        var redisServer = LocalServerBinaries.RequireRedis(Otherwise);

        var runDirectory = Directory.CreateTempSubdirectory("inferencepipeline-apphost-").FullName;
        builder.Services.AddHostedService(services =>
            new RunDirectoryCleanup(runDirectory, services.GetRequiredService<IHostApplicationLifetime>()));
        var (rabbit, rabbitReady) = AddRabbitMq(builder, rabbitMqServer, Path.Combine(runDirectory, "rabbitmq"));
        var (redis, redisReady) = AddRedis(builder, redisServer, Path.Combine(runDirectory, "redis"));
        return new(rabbit, rabbitReady, redis, redisReady);
    }

    private static (IResourceBuilder<IResourceWithConnectionString>, IResourceBuilder<IResource>) AddRabbitMq(
        IDistributedApplicationBuilder builder, string serverBinary, string directory)
    {
        var node = RabbitMqNode.Prepare(directory, FreePort.Get(), FreePort.Get());
        var server = builder.AddExecutable("rabbitmq-server", serverBinary, node.Directory)
            .WithHealthCheck(AddCheck(builder, "rabbitmq-amqp", new ProtocolHealthCheck(ProtocolProbe.Amqp, node.Port)));
        foreach (var (name, value) in node.Environment)
        {
            server.WithEnvironment(name, value);
        }

        var connection = builder.AddConnectionString("rabbitmq", ReferenceExpression.Create($"{node.ConnectionString}"));
        return (connection, server);
    }

    private static (IResourceBuilder<IResourceWithConnectionString>, IResourceBuilder<IResource>) AddRedis(
        IDistributedApplicationBuilder builder, string serverBinary, string directory)
    {
        var node = RedisNode.Prepare(directory, FreePort.Get());
        var server = builder.AddExecutable("redis-server", serverBinary, node.Directory, [.. node.Arguments])
            .WithHealthCheck(AddCheck(builder, "redis-ping", new ProtocolHealthCheck(ProtocolProbe.Redis, node.Port)));

        var connection = builder.AddConnectionString("redis", ReferenceExpression.Create($"{node.ConnectionString}"));
        return (connection, server);
    }

    private static string AddCheck(IDistributedApplicationBuilder builder, string name, ProtocolHealthCheck check)
    {
        builder.Services.AddHealthChecks().AddCheck(name, check);
        return name;
    }
}

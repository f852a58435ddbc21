using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// RabbitMQ and Redis from Debian's packages, run as executable resources in a private directory on
/// free ports: what works on a machine with no Docker daemon (FACTS.md). RabbitMQ is started through
/// /usr/lib/rabbitmq/bin (the /usr/sbin wrapper switches user) with every path in the run directory.
/// </summary>
public static class LocalServers
{
    public const string RabbitMqServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public const string RedisServer = "redis-server";

    public static PipelineInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        if (!File.Exists(RabbitMqServer))
        {
            throw new InvalidOperationException(
                $"No Docker daemon and no {RabbitMqServer}: install the local servers with " +
                "'sudo apt-get install -y --no-install-recommends rabbitmq-server redis-server', or set " +
                "Infrastructure:Mode=Existing with ConnectionStrings:rabbitmq and ConnectionStrings:redis.");
        }

        var runDirectory = Directory.CreateTempSubdirectory("inferencepipeline-apphost-").FullName;
        builder.Services.AddHostedService(services =>
            new RunDirectoryCleanup(runDirectory, services.GetRequiredService<IHostApplicationLifetime>()));
        var (rabbit, rabbitReady) = AddRabbitMq(builder, Path.Combine(runDirectory, "rabbitmq"));
        var (redis, redisReady) = AddRedis(builder, Path.Combine(runDirectory, "redis"));
        return new(rabbit, rabbitReady, redis, redisReady);
    }

    private static (IResourceBuilder<IResourceWithConnectionString>, IResourceBuilder<IResource>) AddRabbitMq(
        IDistributedApplicationBuilder builder, string directory)
    {
        var port = FreePort.Get();
        var distributionPort = FreePort.Get();
        Directory.CreateDirectory(directory);
        var pluginsFile = Path.Combine(directory, "enabled_plugins");
        File.WriteAllText(pluginsFile, "[].\n");
        var configFile = Path.Combine(directory, "rabbitmq.conf");
        // Profiling handlers run for minutes; the default 30-minute consumer timeout would close their channel.
        File.WriteAllText(configFile, "consumer_timeout = 21600000\nloopback_users = none\n");

        var server = builder.AddExecutable("rabbitmq-server", RabbitMqServer, directory)
            .WithEnvironment("HOME", directory)
            .WithEnvironment("RABBITMQ_NODENAME", "apphost" + port + "@localhost")
            .WithEnvironment("RABBITMQ_NODE_PORT", port.ToString())
            .WithEnvironment("RABBITMQ_DIST_PORT", distributionPort.ToString())
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(directory, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(directory, "log"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile)
            .WithEnvironment("RABBITMQ_CONFIG_FILE", configFile)
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithHealthCheck(AddCheck(builder, "rabbitmq-amqp", ProtocolHealthCheck.Amqp(port)));

        var connection = builder.AddConnectionString("rabbitmq",
            ReferenceExpression.Create($"amqp://guest:guest@127.0.0.1:{port.ToString()}/"));
        return (connection, server);
    }

    private static (IResourceBuilder<IResourceWithConnectionString>, IResourceBuilder<IResource>) AddRedis(
        IDistributedApplicationBuilder builder, string directory)
    {
        var port = FreePort.Get();
        Directory.CreateDirectory(directory);
        var server = builder.AddExecutable("redis-server", RedisServer, directory,
                "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
            .WithHealthCheck(AddCheck(builder, "redis-ping", ProtocolHealthCheck.Redis(port)));

        var connection = builder.AddConnectionString("redis",
            ReferenceExpression.Create($"127.0.0.1:{port.ToString()}"));
        return (connection, server);
    }

    private static string AddCheck(IDistributedApplicationBuilder builder, string name, ProtocolHealthCheck check)
    {
        builder.Services.AddHealthChecks().AddCheck(name, check);
        return name;
    }
}

using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.ServiceDefaults;

/// <summary>
/// One bus composition for every run mode: RabbitMQ when the "rabbitmq" connection string exists (the
/// AppHost gives each service an amqp:// URI), MassTransit's in-memory transport otherwise (CLI demo,
/// tests composing every service in one process).
/// </summary>
public static class PipelineBusExtensions
{
    public const string RabbitMqConnectionName = "rabbitmq";

    public static IHostApplicationBuilder AddPipelineBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configure)
    {
        builder.Services.AddPipelineBus(builder.Configuration, configure);
        return builder;
    }

    /// <summary>The same composition without a host builder, for in-process demos and tests.</summary>
    public static IServiceCollection AddPipelineBus(this IServiceCollection services, IConfiguration configuration,
        Action<IBusRegistrationConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var rabbitMq = configuration.GetConnectionString(RabbitMqConnectionName);
        MessageSizeLimit sizeLimit;
        try
        {
            sizeLimit = MessageSizeLimit.From(configuration);
        }
        catch (InvalidOperationException e)
        {
            // The bus is built while the host is composed (its health check resolves it); the start then fails on this
            // line before the bus starts, so the default limit below never serves a message.
            services.AddSingleton<IHostedService>(new SettingFault(e.Message));
            sizeLimit = new MessageSizeLimit(MessageSizeLimit.DefaultMaxBytes);
        }

        // On shutdown (a deploy, a scale-in, Ctrl+C) give consumers a grace period, then cancel them: a
        // long profile stops, its unacknowledged command returns to the queue and another instance resumes
        // it from the checkpoints, instead of the process hanging until it is killed.
        services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.ConsumerStopTimeout ??= TimeSpan.FromSeconds(10);
            options.StopTimeout ??= TimeSpan.FromSeconds(30);
            // A broker that accepts connections but not the bus (wrong user, password or virtual host) fails the start
            // in as long as an unreachable one does, instead of holding it forever.
            options.StartTimeout ??= configuration.GetValue(StartupDependency.TimeoutKey, StartupDependency.DefaultTimeout);
        });

        if (!string.IsNullOrWhiteSpace(rabbitMq))
        {
            // Ahead of MassTransit's own hosted service: the bus starts against a broker that is there, and a service
            // started before its broker waits for it, saying so, instead of failing or hanging without a word.
            services.AddSingleton<IHostedService>(sp => new StartupDependency("RabbitMQ", RabbitMqConnectionName,
                () => RabbitMqAddress.Parse(rabbitMq) is var address ? (address.Host, address.Port) : default,
                configuration, sp.GetRequiredService<ILogger<StartupDependency>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
                (_, _, cancellationToken) => RabbitMqProbe.ConnectAsync(RabbitMqAddress.Parse(rabbitMq), cancellationToken)));
        }

        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure(bus);

            if (string.IsNullOrWhiteSpace(rabbitMq))
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.UseMessageSizeLimit(context, sizeLimit);
                    cfg.UseTransientRetry();
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                var host = RabbitMqAddress.Parse(rabbitMq);
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(host.Host, host.Port, host.VirtualHost, h =>
                    {
                        h.Username(host.Username);
                        h.Password(host.Password);
                    });
                    cfg.UseMessageSizeLimit(context, sizeLimit);
                    cfg.UseTransientRetry();
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        return services;
    }
}

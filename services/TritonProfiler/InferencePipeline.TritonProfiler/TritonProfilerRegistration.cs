using InferencePipeline.Artifacts;
using InferencePipeline.KServe.Client;
using InferencePipeline.Stages;
using InferencePipeline.TritonProfiler.Checkpoints;
using InferencePipeline.TritonProfiler.Configs;
using InferencePipeline.TritonProfiler.Locking;
using InferencePipeline.TritonProfiler.Measuring;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InferencePipeline.TritonProfiler;

public static class TritonProfilerRegistration
{
    /// <summary>
    /// The profiler stage: <see cref="ProfileModelConsumer"/> on <c>profile-model</c>, the artifact store and the rule on
    /// where input data may be read from (<c>Pipeline:Models:AllowedRoots</c>), the
    /// inference server options (<c>Pipeline:InferenceServer</c>, <c>Pipeline:Profiler</c>) and its state —
    /// checkpoints and the server lock in Redis when an <see cref="IConnectionMultiplexer"/> is registered
    /// (the host calls AddPipelineState), in memory otherwise.
    /// </summary>
    public static IBusRegistrationConfigurator AddTritonProfiler(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<ProfileModelConsumer, ProfileModelConsumerDefinition>();
        x.AddPipelineCancellations();
        x.AddModelSources();
        x.AddKServeClient();
        x.AddOptions<TritonProfilerOptions>().BindConfiguration(TritonProfilerOptions.Section);
        x.TryAddSingleton<ServingConfigGenerator>();
        x.TryAddSingleton<PerfRunner>();
        x.TryAddSingleton<IMeasurementStore>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisMeasurementStore(redis)
            : new InMemoryMeasurementStore());
        x.TryAddSingleton<IServerLock>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisServerLock(redis, sp.GetRequiredService<IOptions<TritonProfilerOptions>>().Value.LockLease, sp.GetRequiredService<ILogger<RedisServerLock>>())
            : new InProcessServerLock());
        return x;
    }
}

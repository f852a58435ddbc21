using InferencePipeline.Contracts;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>
/// Redis killed (SIGKILL) under a running pipeline and started again on the same port and directory, as the
/// AppHost's private redis-server runs (<see cref="RedisNode"/>, append-only file on): the run is still there and completes.
/// </summary>
public sealed class RedisRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_running_pipeline_survives_redis_being_killed_and_started_again_and_then_completes()
    {
        var binary = LocalServerBinaries.RequireRedis(LocalServerProcess.Otherwise);
        var data = Directory.CreateTempSubdirectory("inferpipe-redis-aof-").FullName;
        var node = RedisNode.Prepare(data, FreePort.Get());
        var redis = await StartAsync(binary, node);
        try
        {
            await using var host = await PipelineTestHost.StartAsync(redis: node.ConnectionString);
            var request = StandInStages.Request(modelUri: "models/silent.onnx");
            await host.SendAsync(request);
            await host.WaitForStateAsync(request.PipelineId, "Converting", Timeout);
            // The file is written every second: wait until it holds the run before pulling the plug.
            await Eventually.TrueAsync(() => AppendOnlyFileMentions(data, request.PipelineId), Timeout, "the append-only file to hold the pipeline");

            await redis.DisposeAsync();
            redis = await StartAsync(binary, node);

            // The orchestrator's client reconnects by itself; until it has, reads fail with a connection error.
            var resumed = await Eventually.ValueAsync(() => ReadAsync(host, request.PipelineId), s => s is not null, Timeout,
                last => $"pipeline {request.PipelineId} is gone after the restart");
            Assert.Equal("Converting", resumed!.State);

            await host.PublishAsync(new ModelConverted(request.PipelineId, "tiny-bert", "a.onnx", "d.pbtxt", [], [], 8));
            var status = await host.WaitForStateAsync(request.PipelineId, "Completed", Timeout);
            Assert.Equal(StandInStages.MeasurementCount, status.MeasurementsDone);
        }
        finally
        {
            await redis.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<PipelineStatus?> ReadAsync(PipelineTestHost host, Guid id)
    {
        try
        {
            return await host.Status.GetAsync(id);
        }
        catch (RedisConnectionException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts redis-server on the node's port and data directory. Its working directory is a directory of its own,
    /// which killing the process deletes; the data directory stays for the next start.
    /// </summary>
    private static async Task<LocalServerProcess> StartAsync(string binary, RedisNode node)
    {
        var process = LocalServerProcess.Start(binary, node.Arguments, new Dictionary<string, string>(), LocalServerProcess.NewWorkDirectory("redis-cwd"));
        await process.WaitUntilReadyAsync(ProtocolProbe.Redis, node.Port, TimeSpan.FromSeconds(15));
        return process;
    }

    private static bool AppendOnlyFileMentions(string directory, Guid id)
    {
        var needle = id.ToString("D");
        foreach (var file in Directory.EnumerateFiles(directory, "*.aof*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            if (reader.ReadToEnd().Contains(needle, StringComparison.Ordinal))
                return true;
        }

        return false;
    }
}

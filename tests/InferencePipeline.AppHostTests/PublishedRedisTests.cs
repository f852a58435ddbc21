using System.Diagnostics;
using InferencePipeline.LocalInfrastructure;
using InferencePipeline.Testing;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// The published Redis keeps its data in an append-only file on its volume, as the local one does: the container's
/// command line from the manifest, run by a real redis-server, reports AOF on and fsync every second.
/// </summary>
public sealed class PublishedRedisTests
{
    [Fact]
    public async Task The_published_redis_runs_with_an_append_only_file_fsynced_every_second()
    {
        using var manifest = await PublishedManifest.WriteAsync("embedded");

        var redis = manifest["redis"];
        Assert.Equal("/data", redis["volumes"]![0]!["target"]!.GetValue<string>());
        Assert.Equal("/bin/sh", redis["entrypoint"]!.GetValue<string>());
        var args = redis["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal("-c", args[0]);
        var command = args[1];
        Assert.StartsWith("redis-server --requirepass $REDIS_PASSWORD ", command);
        Assert.Contains("--appendonly yes --appendfsync everysec", command);

        // The same command line under a real shell and redis-server, on a free port and a temp directory instead of the
        // container's 6379 and /data: Redis takes every flag and runs with the append-only file.
        var server = LocalServerBinaries.RequireRedis(LocalServerProcess.Otherwise);
        var port = FreePort.Get();
        var directory = LocalServerProcess.NewWorkDirectory("published-redis");
        const string password = "published-redis-test";
        var local = $"{command.Replace("redis-server ", server + " ", StringComparison.Ordinal)} --port {port} --bind 127.0.0.1 --dir {directory}";
        await using var process = LocalServerProcess.Start("/bin/sh", ["-c", local], new Dictionary<string, string> { ["REDIS_PASSWORD"] = password }, directory);

        var appendOnly = await Eventually.ValueAsync(() => RedisCliAsync(port, password, "CONFIG", "GET", "appendonly"),
            output => output.Contains("appendonly", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            output => $"redis-server never answered on {port}: {output}\n{process.Output}");
        Assert.Equal(["appendonly", "yes"], Lines(appendOnly));
        Assert.Equal(["appendfsync", "everysec"], Lines(await RedisCliAsync(port, password, "CONFIG", "GET", "appendfsync")));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<string> RedisCliAsync(int port, string password, params string[] command)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-p", port.ToString(), "--no-auth-warning", "-a", password, .. command])
            start.ArgumentList.Add(argument);
        using var cli = Process.Start(start)!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return await output + await error;
    }
}

namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// A private redis-server: its own port on loopback, its working files in its own directory, and its data in an
/// append-only file (fsync'd every second, no RDB snapshots): pipeline state and the profiler's checkpoints
/// survive the server being killed and started again on the same directory, losing at most the last second
/// of writes. Without it a Redis restart forgets every running pipeline.
/// </summary>
public sealed class RedisNode
{
    /// <summary>
    /// The flags that keep Redis's data in an append-only file fsync'd every second, for every Redis the system runs:
    /// this local node and the published container.
    /// </summary>
    public static readonly IReadOnlyList<string> AppendOnlyArguments = ["--appendonly", "yes", "--appendfsync", "everysec"];

    private RedisNode(string directory, int port)
    {
        Directory = directory;
        Port = port;
        Arguments = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", .. AppendOnlyArguments, "--dir", directory];
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The command line for <c>redis-server</c>.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6390</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static RedisNode Prepare(string directory, int port)
    {
        System.IO.Directory.CreateDirectory(directory);
        return new RedisNode(Path.GetFullPath(directory), port);
    }
}

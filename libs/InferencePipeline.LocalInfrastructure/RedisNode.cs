namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// A private redis-server: its own port on loopback, its working files in its own directory, and no
/// persistence (no RDB snapshots, no append-only file): the state of a local run or a test lives as long
/// as the server does, and a snapshot written on exit would only slow the shutdown.
/// </summary>
public sealed class RedisNode
{
    private RedisNode(string directory, int port)
    {
        Directory = directory;
        Port = port;
        Arguments = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory];
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

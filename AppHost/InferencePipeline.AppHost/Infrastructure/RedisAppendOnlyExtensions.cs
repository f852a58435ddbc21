using InferencePipeline.LocalInfrastructure;

namespace InferencePipeline.AppHost.Infrastructure;

public static class RedisAppendOnlyExtensions
{
    /// <summary>
    /// Runs the Redis container with its data in an append-only file fsync'd every second (on its data volume), as the
    /// local Redis runs: a restarted container gives back the running pipelines and the profiler's checkpoints, losing at
    /// most the last second of writes, where Aspire's snapshots every 60 s would lose up to a minute.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithAppendOnlyFile(this IResourceBuilder<RedisResource> redis) =>
        // Aspire runs Redis as /bin/sh -c "redis-server --requirepass $REDIS_PASSWORD ..." so the shell expands the
        // password; further flags must join that one command line, not follow it as arguments of the shell.
        // Callbacks run in the order they were added, so this one sees the command Aspire's own callback built.
        redis.WithArgs(context =>
        {
            var last = context.Args.Count - 1;
            if (last < 1 || context.Args[last - 1] is not "-c" || context.Args[last] is not string command
                || !command.StartsWith("redis-server ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    "Aspire.Hosting.Redis no longer starts Redis as /bin/sh -c \"redis-server ...\" " +
                    $"(its arguments: {string.Join(" | ", context.Args)}); " +
                    "put the append-only file flags where this version takes Redis's command line.");
            }

            context.Args[last] = $"{command} {string.Join(' ', RedisNode.AppendOnlyArguments)}";
        });
}

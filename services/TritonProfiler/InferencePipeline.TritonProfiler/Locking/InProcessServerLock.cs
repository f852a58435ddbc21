using System.Collections.Concurrent;

namespace InferencePipeline.TritonProfiler.Locking;

/// <summary>
/// The lock when no Redis is configured: every profiler in this process shares the singleton, which is
/// every profiler there is in the in-process demo.
/// </summary>
public sealed class InProcessServerLock : IServerLock
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _servers = new();

    public async Task<IServerLease> AcquireAsync(Uri server, string owner, TimeSpan wait, CancellationToken cancellationToken)
    {
        var key = ServerLockKey.For(server);
        var semaphore = _servers.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        if (!await semaphore.WaitAsync(wait, cancellationToken))
        {
            throw new TimeoutException($"Inference server {key} stayed busy with another profile for {wait}; {owner} will be retried.");
        }

        return new Lease(semaphore);
    }

    private sealed class Lease(SemaphoreSlim semaphore) : IServerLease
    {
        private int _released;

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}

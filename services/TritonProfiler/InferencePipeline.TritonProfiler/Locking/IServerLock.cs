namespace InferencePipeline.TritonProfiler.Locking;

/// <summary>
/// Exclusive use of one inference server: two profiles measuring on the same server at once would
/// share its cores and corrupt each other's numbers.
/// </summary>
public interface IServerLock
{
    /// <summary>
    /// Waits until the server is free (at most <paramref name="wait"/>, then <see cref="TimeoutException"/>:
    /// the message is retried later) and holds it until the lease is disposed.
    /// </summary>
    Task<IServerLease> AcquireAsync(Uri server, string owner, TimeSpan wait, CancellationToken cancellationToken);
}

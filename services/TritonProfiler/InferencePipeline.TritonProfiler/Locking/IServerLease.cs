namespace InferencePipeline.TritonProfiler.Locking;

/// <summary>A held server lock; disposing releases it.</summary>
public interface IServerLease : IAsyncDisposable
{
    /// <summary>Cancelled when the lock was lost (it expired without renewal): stop measuring, the numbers are suspect.</summary>
    CancellationToken Lost { get; }
}

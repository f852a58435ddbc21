namespace InferencePipeline.LoadGen;

/// <summary>
/// Makes sure the thread pool can run every outstanding request at once. Request-rate lanes continue on pool
/// threads, as do concurrency workers once an asynchronous target (gRPC) answers; a target may block the thread it
/// runs on (in-process ONNX Runtime runs synchronously), as may the host (a test host's channel holds pool
/// threads). Past its minimum the pool adds threads only about twice a second, so an open loop on a pool that is
/// short of threads stalls for most of a second and its backlog reads as latency the target never caused (seen:
/// p99 0.8 s against a target that does nothing). The minimum is only raised, never lowered, so measurements
/// running side by side cannot shrink each other's.
/// </summary>
internal static class ThreadPoolHeadroom
{
    private static readonly Lock Gate = new();

    /// <summary>Raises the pool's minimum worker threads to the processor count plus <paramref name="blockingWork"/>.</summary>
    public static void Ensure(int blockingWork)
    {
        lock (Gate)
        {
            ThreadPool.GetMinThreads(out var workers, out var completionPorts);
            var wanted = Environment.ProcessorCount + blockingWork;
            if (workers < wanted)
            {
                ThreadPool.SetMinThreads(wanted, completionPorts);
            }
        }
    }
}

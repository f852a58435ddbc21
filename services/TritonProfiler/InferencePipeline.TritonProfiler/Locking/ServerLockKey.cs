namespace InferencePipeline.TritonProfiler.Locking;

/// <summary>One name per server whatever way its address is written (case, trailing path).</summary>
public static class ServerLockKey
{
    public static string For(Uri server) => server.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}

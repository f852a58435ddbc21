namespace InferencePipeline.TritonProfiler.Locking;

/// <summary>The server lock expired mid-profile (Redis unreachable past the lease): transient, the command is retried and resumes.</summary>
public sealed class ServerLockLostException(string server) : Exception($"Lost the lock on inference server {server} while profiling; the profile resumes on retry.");

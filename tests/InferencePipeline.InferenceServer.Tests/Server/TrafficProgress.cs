using InferencePipeline.Testing;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>Waits for background traffic to make progress, however slow the machine, instead of sleeping a fixed time.</summary>
public static class TrafficProgress
{
    /// <summary>Returns once <paramref name="completed"/> has grown by <paramref name="more"/>; fails after 20 s without.</summary>
    public static Task WaitForCompletionsAsync(Func<int> completed, int more)
    {
        var target = completed() + more;
        return Eventually.TrueAsync(() => completed() >= target, TimeSpan.FromSeconds(20),
            $"the background requests completed {completed()} of {target}");
    }
}

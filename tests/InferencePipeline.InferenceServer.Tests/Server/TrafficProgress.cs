namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>Waits for background traffic to make progress, however slow the machine, instead of sleeping a fixed time.</summary>
public static class TrafficProgress
{
    /// <summary>Returns once <paramref name="completed"/> has grown by <paramref name="more"/>, or after 20 s.</summary>
    public static async Task WaitForCompletionsAsync(Func<int> completed, int more)
    {
        var target = completed() + more;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (completed() < target && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }
}

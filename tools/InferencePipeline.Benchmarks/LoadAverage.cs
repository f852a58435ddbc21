namespace InferencePipeline.Benchmarks;

/// <summary>The 1/5/15-minute load averages, printed beside the numbers: on a shared machine they say how noisy they are.</summary>
public static class LoadAverage
{
    public static string Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(", ", fields.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}

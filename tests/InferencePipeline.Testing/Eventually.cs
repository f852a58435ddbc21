namespace InferencePipeline.Testing;

/// <summary>
/// Waits for a condition the test can observe (a state reached, a count grown, a span recorded) instead of
/// sleeping a fixed time and hoping it has happened: returns as soon as it holds, however fast or slow the
/// machine, and fails with what was awaited when it does not hold within the timeout.
/// </summary>
public static class Eventually
{
    /// <summary>How often the condition is checked: short next to any timeout, long next to a check's cost.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    /// <param name="interval">Between checks; longer than the default for a check that costs a request to another process.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        await ValueAsync(condition, holds => holds, timeout, _ => what, interval);

    /// <summary>Reads until <paramref name="done"/> holds for what was read, and returns that value.</summary>
    /// <param name="describe">The failure message, given the last value read.</param>
    /// <param name="interval">Between reads (<see cref="Interval"/> when not given).</param>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, Func<T, string> describe,
        TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0.#} s: {describe(value)}");
            }

            await Task.Delay(interval ?? Interval);
        }
    }
}

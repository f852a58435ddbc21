using System.Runtime;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Drives load until the runtime's JIT has settled, before anything is measured. Tiered compilation recompiles hot
/// code on a background thread for seconds after a process starts (longer under load, with dynamic PGO), and on a
/// 2-core machine that thread took up to a core from the first config profiled: the demo's default config, the
/// baseline of every "vs default" ratio, read 177-214 infer/s at concurrency 1 where the same settings measured
/// later read 290-356. A steady but slowed start passes the stability rule, so only the JIT's own count tells.
/// Turning tiering off instead removes dynamic PGO and doubled the server's per-request overhead.
/// </summary>
public static class JitWarmup
{
    /// <summary>A round compiling at most this many methods counts as settled (timers and rare paths still JIT now and then).</summary>
    public const int SettledMethodsPerRound = 5;

    private static readonly LoadGenOptions Round = new() { WindowMs = 250, MaxTrials = 3 };

    /// <summary>
    /// Sends load at <paramref name="concurrency"/> in rounds of three 250 ms windows until a round compiles at most
    /// <see cref="SettledMethodsPerRound"/> methods, or <paramref name="limit"/> has passed.
    /// </summary>
    /// <param name="compiledMethods">The JIT's running count; the runtime's by default (tests give their own).</param>
    /// <param name="timeProvider">The clock <paramref name="limit"/> is counted on; the system's by default.</param>
    public static async Task<JitWarmupResult> RunAsync(
        IInferenceTarget target,
        int concurrency,
        TimeSpan limit,
        CancellationToken cancellationToken,
        Func<long>? compiledMethods = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        compiledMethods ??= () => JitInfo.GetCompiledMethodCount();
        var time = timeProvider ?? TimeProvider.System;
        var generator = new ConcurrencyLoadGenerator();
        var started = time.GetTimestamp();
        var first = compiledMethods();
        var rounds = 0;
        while (true)
        {
            var before = compiledMethods();
            await generator.MeasureAsync(target, concurrency, Round, progress: null, cancellationToken).ConfigureAwait(false);
            rounds++;
            var after = compiledMethods();
            var elapsed = time.GetElapsedTime(started);
            if (after - before <= SettledMethodsPerRound || elapsed >= limit)
            {
                return new JitWarmupResult(after - before <= SettledMethodsPerRound, rounds, after - first, elapsed);
            }
        }
    }
}

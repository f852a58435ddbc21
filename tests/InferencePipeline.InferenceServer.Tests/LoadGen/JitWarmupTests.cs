using InferencePipeline.LoadGen;
using Microsoft.Extensions.Time.Testing;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

[Collection(LoadGenTimingCollection.Name)]
public sealed class JitWarmupTests
{
    [Fact]
    public async Task Sends_load_until_a_round_compiles_almost_nothing()
    {
        // The JIT compiles 100 methods in each of the first two rounds, then nothing: settled after the third.
        var counts = new Queue<long>([0, 0, 100, 100, 200, 200, 202]);
        var target = new InFlightDelayTarget(perRequestMs: 1);

        var result = await JitWarmup.RunAsync(target, 2, TimeSpan.FromSeconds(30), CancellationToken.None, () => counts.Count > 1 ? counts.Dequeue() : counts.Peek());

        Assert.True(result.Settled);
        Assert.Equal(3, result.Rounds);
        Assert.Equal(202, result.CompiledMethods);
        Assert.Equal(2, target.MaxInFlight);
    }

    [Fact]
    public async Task A_jit_that_never_settles_stops_at_the_time_limit()
    {
        // The limit is counted on a clock the test moves: one second per reading of the JIT's count, which is read
        // once at the start and twice per round. Start at 1 s, round 1 ends at 3 s, round 2 at 5 s: the limit.
        var time = new FakeTimeProvider();
        long count = 0;
        long Compiled()
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return count += 1000;
        }

        var result = await JitWarmup.RunAsync(new NoOpTarget(), 1, TimeSpan.FromSeconds(5), CancellationToken.None, Compiled, time);

        Assert.False(result.Settled);
        Assert.Equal(2, result.Rounds);
        Assert.Equal(TimeSpan.FromSeconds(5), result.Elapsed);
        Assert.Equal(4000, result.CompiledMethods);
    }

    [Fact]
    public async Task The_runtimes_own_count_settles_once_the_load_generator_has_run()
    {
        // The real counter: a load generator already exercised in this process compiles next to nothing more.
        var result = await JitWarmup.RunAsync(new NoOpTarget(), 1, TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.True(result.Settled, $"{result.CompiledMethods} methods in {result.Rounds} rounds");
    }
}

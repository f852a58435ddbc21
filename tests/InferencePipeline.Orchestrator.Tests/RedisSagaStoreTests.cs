using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Persistence;
using InferencePipeline.Orchestrator.Tests.StandIns;
using InferencePipeline.Testing;
using MassTransit;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>Our Redis saga repository against a real Redis.</summary>
[Collection(PipelineServers.Collection)]
public sealed class RedisSagaStoreTests(PipelineServers servers) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private RedisSagaStore<PipelineState> _store = null!;
    private readonly string _prefix = $"test:{Guid.NewGuid():N}:";

    // The recent-instances index is ordered by insertion time: a clock the test moves makes that order exact.
    private readonly FakeTimeProvider _time = new();

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        // A private key space per test so index listings see only this test's instances.
        _store = new RedisSagaStore<PipelineState>(_redis, new RedisSagaOptions<PipelineState>(_prefix + "saga:", _prefix + "index"), _time);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static PipelineState NewState(string currentState = "Converting") => new()
    {
        CorrelationId = Guid.NewGuid(),
        CurrentState = currentState,
        Request = StandInStages.Request(),
        Stage = PipelineStage.Converting,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Insert_load_update_round_trips_the_state_and_bumps_the_version()
    {
        var state = NewState();
        await _store.InsertAsync(state);
        Assert.Equal(1, state.Version);

        var loaded = await _store.LoadAsync(state.CorrelationId);
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Version);
        Assert.Equal(state.Request!.ModelUri, loaded.Request!.ModelUri);
        Assert.Equal(state.Request.SearchSpace.Concurrency, loaded.Request.SearchSpace.Concurrency);
        Assert.Equal(DeployTargetKind.LocalServer, loaded.Request.DeployTarget.Kind);

        loaded.CurrentState = "Tuning";
        loaded.Stage = PipelineStage.Tuning;
        loaded.Converted = new ModelConverted(state.CorrelationId, "m", "a.onnx", "c.pbtxt", [new TensorSpec("x", "FP32", [-1, 3])], [], 4);
        await _store.UpdateAsync(loaded);
        Assert.Equal(2, loaded.Version);

        var reloaded = await _store.LoadAsync(state.CorrelationId);
        Assert.Equal(2, reloaded!.Version);
        Assert.Equal("Tuning", reloaded.CurrentState);
        Assert.Equal([-1L, 3L], reloaded.Converted!.Inputs[0].Shape);

        // The documented key layout: one JSON string per pipeline, enums by name.
        var raw = await _redis.GetDatabase().StringGetAsync(_prefix + "saga:" + state.CorrelationId.ToString("D"));
        Assert.Contains("\"Stage\":\"Tuning\"", raw.ToString());
    }

    [Fact]
    public async Task A_second_insert_of_the_same_id_is_refused()
    {
        var state = NewState();
        Assert.True(await _store.TryInsertAsync(state));
        var duplicate = NewState();
        duplicate.CorrelationId = state.CorrelationId;
        Assert.False(await _store.TryInsertAsync(duplicate));
        await Assert.ThrowsAsync<ConcurrencyException>(() => _store.InsertAsync(duplicate));
    }

    [Fact]
    public async Task An_update_from_a_stale_copy_is_detected_and_changes_nothing()
    {
        var state = NewState();
        await _store.InsertAsync(state);
        var first = (await _store.LoadAsync(state.CorrelationId))!;
        var second = (await _store.LoadAsync(state.CorrelationId))!;

        first.LastMessage = "first";
        await _store.UpdateAsync(first);
        second.LastMessage = "second";
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => _store.UpdateAsync(second));
        Assert.Contains("stale", conflict.Message);
        Assert.Equal(1, second.Version); // left as loaded, so a retry reloads rather than trusting it

        var stored = (await _store.LoadAsync(state.CorrelationId))!;
        Assert.Equal("first", stored.LastMessage);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task Concurrent_updates_of_one_version_let_exactly_one_win()
    {
        var state = NewState();
        await _store.InsertAsync(state);
        var copies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _store.LoadAsync(state.CorrelationId)));

        var outcomes = await Task.WhenAll(copies.Select(async (copy, i) =>
        {
            copy!.LastMessage = $"writer {i}";
            try
            {
                await _store.UpdateAsync(copy);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(won => won));
        var winner = Array.IndexOf(outcomes, true);
        Assert.Equal($"writer {winner}", (await _store.LoadAsync(state.CorrelationId))!.LastMessage);
    }

    [Fact]
    public async Task Recent_lists_newest_first_and_delete_removes_from_the_index()
    {
        var older = NewState();
        await _store.InsertAsync(older);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var newer = NewState();
        await _store.InsertAsync(newer);

        var recent = (await _store.ListPageAsync(10, after: null)).Items;
        Assert.Equal([newer.CorrelationId, older.CorrelationId], recent.Select(s => s.CorrelationId));

        await _store.DeleteAsync(newer.CorrelationId);
        Assert.Null(await _store.LoadAsync(newer.CorrelationId));
        Assert.Equal([older.CorrelationId], (await _store.ListPageAsync(10, after: null)).Items.Select(s => s.CorrelationId));
    }

    [Fact]
    public async Task Pages_walk_the_index_newest_first_once_each_even_across_equal_insert_times()
    {
        var inserted = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var state = NewState();
            await _store.InsertAsync(state);
            inserted.Add(state.CorrelationId);
            // Pairs share a millisecond: the page position must step over ties by id, not skip or repeat them.
            if (i % 2 == 1)
                _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var seen = new List<Guid>();
        SagaIndexPosition? after = null;
        var pages = 0;
        do
        {
            var page = await _store.ListPageAsync(2, after);
            Assert.InRange(page.Items.Count, 1, 2);
            seen.AddRange(page.Items.Select(s => s.CorrelationId));
            if (page.Next is not null)
            {
                // The position travels in a URL: it must read back as itself.
                Assert.True(SagaIndexPosition.TryParse(page.Next.ToString(), out var parsed));
                Assert.Equal(page.Next, parsed);
            }

            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(4, pages);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(7, seen.Count);
        // Newest millisecond first; within one millisecond, the index's own (id-descending) order.
        var expected = inserted.Select((id, i) => (id, ms: i / 2))
            .OrderByDescending(e => e.ms).ThenByDescending(e => e.id.ToString("D"), StringComparer.Ordinal).Select(e => e.id);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_finished_instance_expires_after_the_retention_and_a_running_one_never_does()
    {
        var options = new RedisSagaOptions<PipelineState>(_prefix + "saga:", _prefix + "index")
        {
            ExpireAfter = s => s.FinishedAt is null ? null : TimeSpan.FromMinutes(5),
        };
        var store = new RedisSagaStore<PipelineState>(_redis, options, _time);
        var db = _redis.GetDatabase();
        var state = NewState();

        await store.InsertAsync(state);
        Assert.Null(await db.KeyTimeToLiveAsync(options.Key(state.CorrelationId)));

        var loaded = (await store.LoadAsync(state.CorrelationId))!;
        loaded.CurrentState = "Completed";
        loaded.FinishedAt = DateTimeOffset.UtcNow;
        await store.UpdateAsync(loaded);
        var ttl = await db.KeyTimeToLiveAsync(options.Key(state.CorrelationId));
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        // Redis dropping the key is what expiry looks like to a reader: the list skips it and forgets its index entry.
        await db.KeyDeleteAsync(options.Key(state.CorrelationId));
        Assert.Empty((await store.ListPageAsync(10, null)).Items);
        Assert.Equal(0, await db.SortedSetLengthAsync(options.IndexKey));
    }

    [Fact]
    public async Task Corrupt_stored_state_fails_with_the_key_named()
    {
        var id = Guid.NewGuid();
        await _redis.GetDatabase().StringSetAsync(_prefix + "saga:" + id.ToString("D"), "{not json");
        var error = await Assert.ThrowsAsync<SagaException>(() => _store.LoadAsync(id));
        Assert.Contains(id.ToString("D"), error.Message);
    }
}

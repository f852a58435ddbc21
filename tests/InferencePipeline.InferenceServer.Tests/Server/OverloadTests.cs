using System.Diagnostics;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Repository;
using InferencePipeline.Onnx;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// A slow model driven at ten times what it can serve, open loop (requests leave on schedule whether or not earlier
/// ones were answered): the server stays up, refuses what its queue cannot hold with UNAVAILABLE, serves what it
/// accepts correctly, keeps its queue and heap bounded, and serves normally once the load drops.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class OverloadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Model = "slow";
    private const int MaxQueueSize = 16;
    private const int Overload = 10;
    private static readonly TimeSpan OverloadDuration = TimeSpan.FromSeconds(3);

    private ServedRepository _served = null!;

    public async Task InitializeAsync()
    {
        var repository = new TestModelRepository();
        await repository.AddAsync(Model, TestModels.SlowAdd, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, 4, c =>
            c.DynamicBatching = new ModelDynamicBatching
            {
                PreferredBatchSize = { 4 },
                DefaultQueuePolicy = new ModelQueuePolicy { MaxQueueSize = MaxQueueSize },
            });
        _served = await ServedRepository.StartAsync(repository, ModelControlMode.None);
    }

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Fact]
    public async Task At_ten_times_its_capacity_the_server_refuses_the_excess_stays_bounded_and_recovers()
    {
        var capacity = await MeasureCapacityAsync(TimeSpan.FromSeconds(1.5));
        var registry = _served.Server.Services.GetRequiredService<ModelRegistry>();
        var outcome = new Outcome();
        var heap = new List<long>();
        var maxPending = 0;

        var clock = Stopwatch.StartNew();
        var rate = capacity * Overload;
        long sent = 0;
        var nextHeapSample = TimeSpan.Zero;
        while (clock.Elapsed < OverloadDuration)
        {
            // Open loop: catch up with the schedule in each tick, whatever is still unanswered.
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                outcome.Track(SendAsync((int)sent, outcome));
            }
            maxPending = Math.Max(maxPending, registry.Get(Model, null).PendingRequests);
            if (clock.Elapsed >= nextHeapSample)
            {
                heap.Add(GC.GetTotalMemory(forceFullCollection: true));
                nextHeapSample += TimeSpan.FromMilliseconds(500);
            }
            await Task.Delay(5);
        }
        await outcome.AllAnsweredAsync();
        output.WriteLine($"capacity {capacity:0} req/s, sent {sent} at {rate:0} req/s: {outcome.Accepted} served, {outcome.Refused} refused; " +
            $"queue at most {maxPending}; heap {string.Join(", ", heap.Select(h => $"{h >> 20} MiB"))}");

        Assert.Empty(outcome.Unexpected);
        Assert.Equal(sent, outcome.Accepted + outcome.Refused);
        Assert.True(outcome.Refused > 0, $"none of {sent} requests refused at {rate:0} req/s (capacity {capacity:0}/s)");
        Assert.True(outcome.Accepted > 0, "the overloaded server answered nothing");
        Assert.InRange(maxPending, 1, MaxQueueSize);
        // Bounded: after the first samples (connections, JIT, pools warm), the heap does not keep growing with the load.
        var settled = heap.Skip(2).ToList();
        Assert.True(settled.Max() - settled.Min() < 32 << 20,
            $"heap moved by {(settled.Max() - settled.Min()) >> 20} MiB under steady overload: {string.Join(", ", heap.Select(h => $"{h >> 20} MiB"))}");

        // Load gone: every request is served again.
        for (var i = 0; i < 8; i++)
        {
            var values = AddRequests.Values(1, i);
            var response = await _served.Client.ModelInferAsync(AddRequests.Raw(Model, values, 1));
            Assert.Equal(Expected(values), AddRequests.Output(response));
        }
        Assert.Equal(0, registry.Get(Model, null).PendingRequests);
    }

    /// <summary>Requests per second the model serves with full batches (closed loop, twice the batch size in flight), warm.</summary>
    private async Task<double> MeasureCapacityAsync(TimeSpan duration)
    {
        // The first executions pay for ORT's and .NET's warm-up; they are not the model's capacity.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker =>
            _served.Client.ModelInferAsync(AddRequests.Raw(Model, AddRequests.Values(1, worker), 1)).ResponseAsync));
        var clock = Stopwatch.StartNew();
        var served = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            while (clock.Elapsed < duration)
            {
                await _served.Client.ModelInferAsync(AddRequests.Raw(Model, AddRequests.Values(1, worker), 1));
                Interlocked.Increment(ref served);
            }
        }));
        return served / clock.Elapsed.TotalSeconds;
    }

    private async Task SendAsync(int i, Outcome outcome)
    {
        var values = AddRequests.Values(1, i % 1000);
        try
        {
            var response = await _served.Client.ModelInferAsync(AddRequests.Raw(Model, values, 1, $"r{i}"));
            if (!Expected(values).SequenceEqual(AddRequests.Output(response)))
            {
                outcome.Unexpected.Add($"r{i}: wrong output");
            }
            Interlocked.Increment(ref outcome.Accepted);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Status.Detail.Contains("Exceeds maximum queue size"))
        {
            Interlocked.Increment(ref outcome.Refused);
        }
        catch (RpcException e)
        {
            outcome.Unexpected.Add($"r{i}: {e.StatusCode} {e.Status.Detail}");
        }
    }

    private static float[] Expected(float[] values) => values.Select(v => v + TestModels.SlowAddIterations).ToArray();

    /// <summary>Counts answers without keeping each call's task, so the test's own heap does not grow with the load.</summary>
    private sealed class Outcome
    {
        public long Accepted;
        public long Refused;
        private long _outstanding = 1;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Collections.Concurrent.ConcurrentBag<string> Unexpected { get; } = [];

        public void Track(Task call)
        {
            Interlocked.Increment(ref _outstanding);
            call.ContinueWith(_ => Finish(), TaskScheduler.Default);
        }

        public Task AllAnsweredAsync()
        {
            Finish();
            return _done.Task;
        }

        private void Finish()
        {
            if (Interlocked.Decrement(ref _outstanding) == 0)
            {
                _done.TrySetResult();
            }
        }
    }
}

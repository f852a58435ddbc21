using System.Diagnostics;
using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator;
using InferencePipeline.Testing;
using InferencePipeline.Testing.Models;
using Xunit.Abstractions;

namespace InferencePipeline.EndToEndTests.Chaos;

/// <summary>
/// Many pipelines started at once through the API, profiled by two profiler replicas that share one inference server:
/// every run completes, and the server's lock keeps one profile's measurements from overlapping another's (each replica
/// measures one profile at a time, so only the lock stands between two replicas' profiles).
/// </summary>
[Collection(ChaosCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Chaos)]
public sealed class ConcurrentPipelinesTests(ServiceCluster cluster, ITestOutputHelper output)
{
    /// <summary>As many as this two-core machine profiles within a few minutes, all queued at the same moment.</summary>
    private const int Pipelines = 20;

    /// <summary>Default + ORT-tuned + one search config, at concurrency 1: three measurements a run.</summary>
    private static readonly SearchSpace Search = TestRequests.TinySearch with { Concurrency = [1] };

    private const int PointsPerRun = 3;

    [Fact]
    public async Task Twenty_pipelines_at_once_all_complete_and_their_profiles_never_overlap_on_the_server()
    {
        const string secondProfiler = "TritonProfiler#2";
        await cluster.StartAsync(secondProfiler);
        try
        {
            var requests = Enumerable.Range(0, Pipelines)
                .Select(i => TestRequests.For(TestModels.Add, $"add_many_{i:00}") with { SearchSpace = Search })
                .ToList();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(requests.Select(cluster.Api.StartAsync));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {Pipelines} pipelines started");

            var finals = await Task.WhenAll(requests.Select(r =>
                cluster.Api.WaitForAsync(r.PipelineId, s => s.Finished, TimeSpan.FromMinutes(8), cluster.Describe)));
            var wall = clock.Elapsed;
            output.WriteLine($"{wall.TotalSeconds:F1} s: all {Pipelines} ended: " +
                string.Join(", ", finals.GroupBy(f => f.State).Select(g => $"{g.Count()} {g.Key}")));

            foreach (var final in finals)
            {
                if (final.State != "Completed")
                {
                    Assert.Fail($"{final.ModelName}: {final.State} {final.FailureReason}\n{cluster.Describe()}");
                }
                Assert.Equal(PointsPerRun, final.MeasurementsDone);
            }

            var logs = cluster.LogsByProcess("TritonProfiler");
            var spans = requests.Select(r => (r.ModelName, Measurements: LoggedMeasurement.Of(r.ModelName, logs)))
                .Select(r => (r.ModelName,
                    Process: string.Join("+", r.Measurements.Select(m => m.Process).Distinct()),
                    Count: r.Measurements.Count,
                    From: r.Measurements.Min(m => m.At),
                    To: r.Measurements.Max(m => m.At)))
                .OrderBy(s => s.From)
                .ToList();
            foreach (var span in spans)
            {
                output.WriteLine($"{span.ModelName}: {span.Count} measurements by {span.Process}, {span.From:HH:mm:ss.fff}–{span.To:HH:mm:ss.fff}");
            }
            output.WriteLine($"profiles per replica: " + string.Join(", ", spans.GroupBy(s => s.Process).Select(g => $"{g.Key}: {g.Count()}")));

            Assert.All(spans, s => Assert.Equal(PointsPerRun, s.Count));
            // Both replicas profiled: otherwise one process's one-at-a-time limit, not the lock, kept the profiles apart.
            Assert.True(spans.Select(s => s.Process).Distinct().Count() >= 2, "one replica took every profile");
            for (var i = 1; i < spans.Count; i++)
            {
                Assert.True(spans[i].From > spans[i - 1].To,
                    $"{spans[i].ModelName} ({spans[i].Process}) measured at {spans[i].From:HH:mm:ss.fff}, before {spans[i - 1].ModelName} " +
                    $"({spans[i - 1].Process}) finished at {spans[i - 1].To:HH:mm:ss.fff}");
            }
        }
        finally
        {
            await cluster.StopAsync(secondProfiler);
        }
    }
}

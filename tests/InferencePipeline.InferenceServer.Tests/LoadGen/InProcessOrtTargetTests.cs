using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

[Collection(LoadGenTimingCollection.Name)]
public sealed class InProcessOrtTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-ort-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Measures_the_add_model_in_process_with_concurrent_workers()
    {
        using var session = NewSession(WriteAdd());
        using var target = new InProcessOrtTarget(session, DemoModels.TrivialInputs, batchSize: 4);

        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(
            target, 2, new LoadGenOptions { WindowMs = 100, MaxTrials = 3 });

        Assert.Equal(4, target.BatchSize);
        Assert.Equal(0, result.ErrorCount);
        Assert.True(result.Stats.RequestCount > 100, $"only {result.Stats.RequestCount} requests");
        Assert.Equal(result.Stats.RequestCount * 4 / result.Windows.TakeLast(3).Sum(w => w.Duration.TotalSeconds),
            result.Stats.ThroughputPerSec, result.Stats.ThroughputPerSec * 0.01);
    }

    [Fact]
    public async Task A_request_allocates_nothing_on_the_managed_heap_after_the_first()
    {
        using var session = NewSession(WriteAdd());
        using var target = new InProcessOrtTarget(session, DemoModels.TrivialInputs);
        await target.InferAsync(CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            await target.InferAsync(CancellationToken.None);
        }

        var perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        Assert.True(perRequest < 8, $"{perRequest} bytes per request");
    }

    [Fact]
    public async Task Runs_the_demo_bert_with_the_seed_inputs()
    {
        var shape = new BertShape(Layers: 1, Hidden: 32, Heads: 2, Intermediate: 64, SequenceLength: 32);
        var path = Path.Combine(_dir, "bert.onnx");
        DemoModels.WriteBert(path, shape);
        using var session = NewSession(path);
        using var target = new InProcessOrtTarget(session, DemoModels.BertInputs(shape), batchSize: 2);

        var stats = await new ConcurrencyLoadGenerator().MeasureAsync(target, 1, new LoadGenOptions { WindowMs = 50, MaxTrials = 3 });

        Assert.True(stats.RequestCount > 0);
        Assert.True(stats.AvgMs > 0);
    }

    [Fact]
    public void Inputs_the_model_does_not_have_or_unresolved_dims_are_named()
    {
        using var session = NewSession(WriteAdd());

        var wrongName = Assert.Throws<ArgumentException>(
            () => new InProcessOrtTarget(session, [new TensorSpec("nope", "FP32", [-1, 16])]));
        Assert.Contains("nope", wrongName.Message);
        Assert.Contains(DemoModels.TrivialInputName, wrongName.Message);

        var dynamic = Assert.Throws<ArgumentException>(
            () => new InProcessOrtTarget(session, [new TensorSpec(DemoModels.TrivialInputName, "FP32", [-1, -1])]));
        Assert.Contains("--shape", dynamic.Message);

        using var overridden = new InProcessOrtTarget(
            session,
            [new TensorSpec(DemoModels.TrivialInputName, "FP32", [-1, -1])],
            shapes: new Dictionary<string, long[]> { [DemoModels.TrivialInputName] = [DemoModels.TrivialWidth] });
        Assert.Equal(1, overridden.BatchSize);
    }

    [Fact]
    public async Task Failing_runs_surface_ort_errors_through_the_generator()
    {
        using var session = NewSession(WriteAdd());
        // Width 8 instead of 16: ORT rejects the input shape at run time... or at probe time, in the constructor.
        var error = await Record.ExceptionAsync(async () =>
        {
            using var target = new InProcessOrtTarget(
                session,
                [new TensorSpec(DemoModels.TrivialInputName, "FP32", [-1, 8])]);
            await new ConcurrencyLoadGenerator().MeasureAsync(target, 1, new LoadGenOptions { WindowMs = 50, MaxTrials = 3 });
        });

        Assert.NotNull(error);
        Assert.Contains(DemoModels.TrivialInputName, error.Message);
    }

    private string WriteAdd()
    {
        var path = Path.Combine(_dir, "add.onnx");
        DemoModels.WriteAdd(path);
        return path;
    }

    private static InferenceSession NewSession(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        return new InferenceSession(path, options);
    }
}

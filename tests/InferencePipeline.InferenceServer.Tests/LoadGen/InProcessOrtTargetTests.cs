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
        var perRequest = await AllocatedPerRequestAsync(target);
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

    [Fact]
    public async Task Runs_a_string_model_with_random_strings_that_reach_the_model_unchanged()
    {
        using var session = NewSession(Write("text.onnx", DemoModels.WriteStringIdentity));
        using var target = new InProcessOrtTarget(session, DemoModels.TextInputs, batchSize: 2);

        var result = await new ConcurrencyLoadGenerator().MeasureDetailedAsync(target, 2, new LoadGenOptions { WindowMs = 50, MaxTrials = 3 });

        Assert.Equal(0, result.ErrorCount);
        Assert.True(result.Stats.RequestCount > 0);
        var sent = Strings(Assert.Single(target.Requests)[0]);
        // perf_analyzer's default: printable ASCII strings of --string-length 128.
        Assert.Equal(2 * DemoModels.TextWidth, sent.Length);
        Assert.All(sent, e => Assert.True(e.Length == TensorDataFactory.DefaultStringLength && e.All(b => b is >= 0x20 and < 0x7F)));
        Assert.Equal(sent.Length, sent.Distinct(ByteArrayComparer.Instance).Count());
        Assert.Equal(sent, RunOnce(session, target, 0, DemoModels.TextOutputName));
    }

    [Fact]
    public async Task String_data_fills_every_element_and_zero_mode_zeroes_only_the_numeric_inputs()
    {
        using var session = NewSession(Write("mixed.onnx", DemoModels.WriteStringAndAdd));
        using var target = new InProcessOrtTarget(session, DemoModels.MixedInputs, batchSize: 3, mode: InputDataMode.Zero,
            strings: new StringInputOptions(Data: "héllo wörld"));

        var stats = await new ConcurrencyLoadGenerator().MeasureAsync(target, 2, new LoadGenOptions { WindowMs = 50, MaxTrials = 3 });

        Assert.True(stats.RequestCount > 0);
        var expected = Enumerable.Repeat("héllo wörld"u8.ToArray(), 3 * DemoModels.TextWidth);
        Assert.Equal(expected, RunOnce(session, target, 0, DemoModels.TextOutputName));
        using var outputs = session.Run(new RunOptions(), target.InputNames, target.Requests[0], [DemoModels.TrivialOutputName]);
        Assert.Equal(Enumerable.Repeat(1f, 3 * DemoModels.TrivialWidth), outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Input_data_steps_with_strings_are_batched_and_sent_in_turn()
    {
        using var session = NewSession(Write("text.onnx", DemoModels.WriteStringIdentity));
        var data = PerfAnalyzerInputData.Parse("""
            {"data": [{"TEXT": ["a", "b"]}, {"TEXT": ["c", "dé"]}, {"TEXT": {"content": ["e", ""], "shape": [2]}}]}
            """);
        using var target = new InProcessOrtTarget(session, DemoModels.TextInputs, data, batchSize: 2);

        var stats = await new ConcurrencyLoadGenerator().MeasureAsync(target, 2, new LoadGenOptions { WindowMs = 50, MaxTrials = 3 });

        Assert.True(stats.RequestCount > 0);
        // Request i holds steps i and i+1, wrapping around, as with the gRPC target.
        string[][] expected = [["a", "b", "c", "dé"], ["c", "dé", "e", ""], ["e", "", "a", "b"]];
        Assert.Equal(expected.Length, target.Requests.Count);
        for (var r = 0; r < expected.Length; r++)
        {
            var bytes = expected[r].Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
            Assert.Equal(bytes, Strings(target.Requests[r][0]));
            Assert.Equal(bytes, RunOnce(session, target, r, DemoModels.TextOutputName));
        }
    }

    [Fact]
    public async Task A_string_request_allocates_nothing_on_the_managed_heap_after_the_first()
    {
        using var session = NewSession(Write("text.onnx", DemoModels.WriteStringIdentity));
        using var target = new InProcessOrtTarget(session, DemoModels.TextInputs, batchSize: 4);
        var perRequest = await AllocatedPerRequestAsync(target);
        Assert.True(perRequest < 8, $"{perRequest} bytes per request");
    }

    [Fact]
    public void Malformed_bytes_input_data_is_refused_naming_the_input()
    {
        using var session = NewSession(Write("text.onnx", DemoModels.WriteStringIdentity));
        // One element that claims 5 bytes but has 1; the input needs 2 elements.
        var b64 = Convert.ToBase64String([5, 0, 0, 0, (byte)'a']);
        var data = PerfAnalyzerInputData.Parse($$$"""{"data": [{"TEXT": {"b64": "{{{b64}}}"}}]}""");

        var error = Assert.Throws<ArgumentException>(() => new InProcessOrtTarget(session, DemoModels.TextInputs, data));

        Assert.Contains($"BYTES input '{DemoModels.TextInputName}': element 0 claims 5 bytes but only 1 are left", error.Message);
    }

    private static byte[][] Strings(OrtValue tensor) =>
        Enumerable.Range(0, (int)tensor.GetTensorTypeAndShape().ElementCount).Select(i => tensor.GetStringElementAsSpan(i).ToArray()).ToArray();

    /// <summary>Runs request <paramref name="request"/>'s tensors through the session and reads the string output.</summary>
    private static byte[][] RunOnce(InferenceSession session, InProcessOrtTarget target, int request, string output)
    {
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, target.InputNames, target.Requests[request], [output]);
        return Strings(outputs[0]);
    }

    private string Write(string fileName, Action<string> writeModel)
    {
        var path = Path.Combine(_dir, fileName);
        writeModel(path);
        return path;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static ByteArrayComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj.Length, obj[0], obj[^1]);
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

    /// <summary>Managed bytes this thread allocates per request over 1000 requests, after a first one that warms up.</summary>
    private static async Task<double> AllocatedPerRequestAsync(InProcessOrtTarget target)
    {
        await target.InferAsync(CancellationToken.None);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            await target.InferAsync(CancellationToken.None);
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
    }
}

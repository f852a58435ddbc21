using InferencePipeline.Contracts;
using InferencePipeline.Testing.Models;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx.Tests;

public sealed class DemoModelsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("inferpipe-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Bert_has_exactly_the_seed_interface()
    {
        var info = OnnxModelInspector.Inspect(TestModels.Bert);

        Assert.Equal(DemoModels.BertInputs(), info.Inputs, TensorSpecComparer.Instance);
        Assert.Equal(DemoModels.BertOutputs(), info.Outputs, TensorSpecComparer.Instance);
        Assert.Equal(["input_names", "input_mask", "segment_ids"], info.Inputs.Select(i => i.Name));
        Assert.All(info.Inputs, i => Assert.Equal("INT64", i.DataType));
        Assert.All(info.Outputs, o => Assert.Equal("FP32", o.DataType));
        Assert.All(info.Inputs.Concat(info.Outputs), t => Assert.Equal([-1L, 256L], t.Shape));
        Assert.Equal(17, info.OpsetVersion);
        Assert.Equal(DemoModels.ProducerName, info.ProducerName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Bert_runs_and_gives_finite_logits_per_token(int batch)
    {
        using var session = new InferenceSession(TestModels.Bert);
        var inputs = InputFactory.Create(DemoModels.BertInputs(), batch, seed: 1);

        using var results = session.Run(inputs);
        var outputs = OnnxOutputs.ToFloatArrays(results);

        Assert.Equal(["end", "start"], outputs.Keys.Order());
        Assert.All(outputs.Values, values => Assert.Equal(batch * 256, values.Length));
        Assert.All(outputs.Values, values => Assert.All(values, v => Assert.True(float.IsFinite(v))));
        Assert.True(outputs["start"].Distinct().Count() > 100, "logits should vary by token, not be constant");
        Assert.NotEqual(outputs["start"], outputs["end"]);
    }

    [Fact]
    public void Bert_is_deterministic_and_the_batch_rows_are_independent()
    {
        string again = Path.Combine(_dir, "bert.onnx");
        DemoModels.WriteBert(again);
        Assert.Equal(File.ReadAllBytes(TestModels.Bert), File.ReadAllBytes(again));

        using var session = new InferenceSession(TestModels.Bert);
        var batch4 = InputFactory.CreateRaw(DemoModels.BertInputs(), 4, seed: 7);
        // Row 2 of the batch alone must give row 2 of the batched answer: no cross-talk between sequences.
        var row2 = batch4.Select(t => t with { Shape = [1, 256], Data = t.Data.AsSpan(2 * 256 * 8, 256 * 8).ToArray() }).ToList();

        using var all = session.Run(batch4.Select(t => t.ToNamedOnnxValue()).ToList());
        using var one = session.Run(row2.Select(t => t.ToNamedOnnxValue()).ToList());

        float[] batched = OnnxOutputs.ToFloatArrays(all)["start"].AsSpan(2 * 256, 256).ToArray();
        Assert.True(OutputComparer.MaxAbsDiff(batched, OnnxOutputs.ToFloatArrays(one)["start"]) < 1e-4);
    }

    [Fact]
    public void Attention_mask_changes_the_answer()
    {
        using var session = new InferenceSession(TestModels.Bert);
        var inputs = InputFactory.CreateRaw(DemoModels.BertInputs(), 1, seed: 3);
        var masked = inputs.Select(t => t.Name != "input_mask" ? t
            : t with { Data = t.Data.Select((b, i) => i >= 128 * 8 ? (byte)0 : b).ToArray() }).ToList();

        using var full = session.Run(inputs.Select(t => t.ToNamedOnnxValue()).ToList());
        using var half = session.Run(masked.Select(t => t.ToNamedOnnxValue()).ToList());

        Assert.True(OutputComparer.MaxAbsDiff(OnnxOutputs.ToFloatArrays(full), OnnxOutputs.ToFloatArrays(half)) > 1e-3);
    }

    [Fact]
    public void Smaller_shapes_are_honoured()
    {
        string path = Path.Combine(_dir, "tiny.onnx");
        var shape = new BertShape(Layers: 1, Hidden: 32, Heads: 4, Intermediate: 64, Vocab: 50, SequenceLength: 16);

        DemoModels.WriteBert(path, shape);

        var info = OnnxModelInspector.Inspect(path);
        Assert.All(info.Inputs.Concat(info.Outputs), t => Assert.Equal([-1L, 16L], t.Shape));
        using var session = new InferenceSession(path);
        using var results = session.Run(InputFactory.Create(info.Inputs, 2, seed: 1, vocabSize: 50));
        Assert.Equal(32, OnnxOutputs.ToFloatArrays(results)["end"].Length);
        Assert.Throws<ArgumentException>(() => DemoModels.WriteBert(path, shape with { Heads = 3 }));
    }

    [Fact]
    public void Add_model_adds_one_and_identity_copies()
    {
        var input = InputFactory.CreateRaw(DemoModels.TrivialInputs, 3, seed: 5)[0];
        float[] x = TensorBytes.ToFloats("FP32", input.Data);

        using var add = new InferenceSession(TestModels.Add);
        using var identity = new InferenceSession(TestModels.Identity);
        using var added = add.Run([input.ToNamedOnnxValue()]);
        using var copied = identity.Run([input.ToNamedOnnxValue()]);

        Assert.Equal(x.Select(v => v + 1f), OnnxOutputs.ToFloatArrays(added)["OUTPUT0"]);
        Assert.Equal(x, OnnxOutputs.ToFloatArrays(copied)["OUTPUT0"]);
        Assert.Equal(DemoModels.TrivialOutputs, OnnxModelInspector.Inspect(TestModels.Add).Outputs, TensorSpecComparer.Instance);
    }

    [Fact]
    public void String_models_run_in_ort_and_keep_any_bytes_unchanged()
    {
        string identityPath = Path.Combine(_dir, "text.onnx");
        string mixedPath = Path.Combine(_dir, "mixed.onnx");
        DemoModels.WriteStringIdentity(identityPath);
        DemoModels.WriteStringAndAdd(mixedPath);
        Assert.Equal(DemoModels.TextInputs, OnnxModelInspector.Inspect(identityPath).Inputs, TensorSpecComparer.Instance);
        Assert.Equal(DemoModels.TextOutputs, OnnxModelInspector.Inspect(identityPath).Outputs, TensorSpecComparer.Instance);
        Assert.Equal(DemoModels.MixedInputs, OnnxModelInspector.Inspect(mixedPath).Inputs, TensorSpecComparer.Instance);

        // Not UTF-8 on purpose: ORT keeps string elements as std::string, so the byte API must round-trip them.
        byte[][] elements = [[0xff, 0xfe, 0x00, 0x41], "héllo"u8.ToArray(), [], [0x80]];
        using var text = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [2, DemoModels.TextWidth]);
        for (var i = 0; i < elements.Length; i++)
        {
            text.StringTensorSetElementAt(elements[i], i);
        }
        using var floats = OrtValue.CreateTensorValueFromMemory(new float[2 * DemoModels.TrivialWidth], [2, DemoModels.TrivialWidth]);

        using var identity = new InferenceSession(identityPath);
        using var runOptions = new RunOptions();
        using var copied = identity.Run(runOptions, [DemoModels.TextInputName], [text], [DemoModels.TextOutputName]);
        Assert.Equal(elements, Enumerable.Range(0, elements.Length).Select(i => copied[0].GetStringElementAsSpan(i).ToArray()));

        using var mixed = new InferenceSession(mixedPath);
        using var both = mixed.Run(runOptions, [DemoModels.TextInputName, DemoModels.TrivialInputName], [text, floats],
            [DemoModels.TextOutputName, DemoModels.TrivialOutputName]);
        Assert.Equal(elements[1], both[0].GetStringElementAsSpan(1).ToArray());
        Assert.All(both[1].GetTensorDataAsSpan<float>().ToArray(), v => Assert.Equal(1f, v));
    }

    /// <summary>TensorSpec holds its shape in a list, which records compare by reference.</summary>
    private sealed class TensorSpecComparer : IEqualityComparer<TensorSpec>
    {
        public static readonly TensorSpecComparer Instance = new();

        public bool Equals(TensorSpec? a, TensorSpec? b) =>
            a is not null && b is not null && a.Name == b.Name && a.DataType == b.DataType && a.Shape.SequenceEqual(b.Shape);

        public int GetHashCode(TensorSpec spec) => spec.Name.GetHashCode(StringComparison.Ordinal);
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Onnx.Tests;

public sealed class OrtSessionFactoryTests
{
    [Fact]
    public void Every_graph_level_and_thread_setting_runs_bert_with_the_same_answer()
    {
        var inputs = InputFactory.Create(DemoModels.BertInputs(), 2, seed: 11);
        Dictionary<string, float[]>? reference = null;
        foreach (var settings in new[]
                 {
                     new OrtSettings(GraphOptimizationLevel: 0),
                     new OrtSettings(GraphOptimizationLevel: 1, IntraOpThreads: 1),
                     new OrtSettings(GraphOptimizationLevel: 2, IntraOpThreads: 2),
                     new OrtSettings(GraphOptimizationLevel: 99, InterOpThreads: 2),
                     new OrtSettings(GraphOptimizationLevel: 99, InterOpThreads: 2, ExecutionMode: OrtSettings.Parallel),
                 })
        {
            using var created = OrtSessionFactory.CreateDetailed(TestModels.Bert, settings);
            using var results = created.Session.Run(inputs);
            var outputs = OnnxOutputs.ToFloatArrays(results);

            Assert.Equal(settings, created.Effective);
            Assert.Empty(created.Notes);
            reference ??= outputs;
            // Fusions reorder float math; answers agree to well under what any tolerance check would allow.
            Assert.True(OutputComparer.MaxAbsDiff(reference, outputs) < 1e-3, $"{settings}: {OutputComparer.Compare(reference, outputs)}");
        }
    }

    [Fact]
    public void An_unknown_execution_mode_is_refused_naming_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => OrtSessionFactory.CreateDetailed(TestModels.Add, OrtSettings.Default with { ExecutionMode = "eager" }));

        Assert.Contains("unknown execution mode 'eager' (known: sequential, parallel)", error.Message);
    }

    [Theory]
    [InlineData("CUDA")]
    [InlineData("TensorRT")]
    public void A_gpu_provider_that_is_missing_falls_back_to_cpu_with_a_note(string provider)
    {
        var messages = new List<string>();

        using var created = OrtSessionFactory.CreateDetailed(TestModels.Add, OrtSettings.Default with { ExecutionProvider = provider }, messages.Add);

        if (ExecutionProviders.Detect().IsAvailable(provider) && !created.FellBack)
        {
            Assert.Equal(provider, created.Effective.ExecutionProvider); // a GPU machine: it really runs there
            return;
        }

        Assert.Equal("CPU", created.Effective.ExecutionProvider);
        Assert.True(created.FellBack);
        Assert.Contains(created.Notes, n => n.Contains(provider, StringComparison.Ordinal) && n.Contains("using CPU", StringComparison.Ordinal));
        Assert.Equal(created.Notes, messages);
        using var results = created.Session.Run(InputFactory.Create(DemoModels.TrivialInputs, 1, seed: 1));
        Assert.Single(results);
    }

    [Fact]
    public void Fp16_precision_clamps_level_all_to_extended()
    {
        using var created = OrtSessionFactory.CreateDetailed(TestModels.Add, OrtSettings.Default with { Precision = "fp16" });

        Assert.Equal(2, created.Effective.GraphOptimizationLevel);
        Assert.Contains(created.Notes, n => n.Contains("EXTENDED", StringComparison.Ordinal));
    }

    [Fact]
    public void An_fp16_model_is_detected_and_opened_safely_at_default_settings()
    {
        // What is asserted is the clamp: this small graph happens to survive ORT_ENABLE_ALL, but larger fp16 models
        // (BERT-sized) at that level make ONNX Runtime on CPU crash the whole process at session creation, which no
        // exception handler and so no test could catch.
        Assert.True(OnnxModelPrecision.UsesFloat16(TestModels.AddHalf));

        using var created = OrtSessionFactory.CreateDetailed(TestModels.AddHalf, OrtSettings.Default);
        var input = InputFactory.CreateRaw(DemoModels.TrivialInputs, 2, seed: 3)[0];
        using var results = created.Session.Run([input.ToNamedOnnxValue()]);

        Assert.Equal(2, created.Effective.GraphOptimizationLevel);
        Assert.Contains(created.Notes, n => n.Contains("fp16", StringComparison.Ordinal));
        float[] expected = TensorBytes.ToFloats("FP32", input.Data).Select(v => v + 1f).ToArray();
        double diff = OutputComparer.MaxAbsDiff(expected, OnnxOutputs.ToFloatArrays(results)["OUTPUT0"]);
        Assert.InRange(diff, 0, 2e-3); // half precision near 1..2: steps of 2^-10
    }

    [Fact]
    public void Fp32_models_are_not_clamped_and_bad_input_is_reported()
    {
        Assert.False(OnnxModelPrecision.UsesFloat16(TestModels.Bert));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrtSessionFactory.Create(TestModels.Add, OrtSettings.Default with { GraphOptimizationLevel = 3 }));
        Assert.Throws<ArgumentException>(() => OrtSessionFactory.Create(TestModels.Add, OrtSettings.Default with { ExecutionProvider = "NPU" }));
        var missing = Assert.Throws<InvalidModelException>(() => OrtSessionFactory.Create("/no/such/model.onnx", OrtSettings.Default));
        Assert.Contains("does not exist", missing.Message);
    }
}

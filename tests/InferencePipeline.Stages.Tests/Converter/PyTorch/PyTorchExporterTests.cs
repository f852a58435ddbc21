using InferencePipeline.Contracts;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Onnx;
using InferencePipeline.Testing.Models;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

/// <summary>Real exports with python3-torch, each accepted model run again in ONNX Runtime at a batch size the export never saw.</summary>
[Collection(PyTorchCollection.Name)]
public sealed class PyTorchExporterTests(PyTorchTestModels models, ITestOutputHelper output)
{
    private const double Goal = 1e-4;

    [Fact]
    public async Task A_traced_mlp_exports_with_a_dynamic_batch_and_matches_pytorch()
    {
        var onnx = models.NewOnnxPath();
        var result = await Export(new PyTorchExportRequest(models.Mlp, onnx, [new("x", "float32", [-1, 16])], ["logits"]));

        Assert.Equal(PyTorchFileKind.TorchScript, result.SourceKind);
        Assert.Equal(onnx, result.OnnxPath);
        Assert.Equal([new TensorSpec("x", "FP32", [-1, 16])], result.InputSpecs, SpecComparer.Instance);
        Assert.Equal("logits", Assert.Single(result.OutputSpecs).Name);
        Assert.Equal(-1, result.OutputSpecs[0].Shape[0]);
        Assert.Equal([2, 3], result.CheckedBatchSizes);
        Assert.InRange(result.MaxAbsDiff["logits"], 0, Goal);
        Assert.StartsWith("1.", result.TorchVersion);
        Assert.StartsWith("3.", result.PythonVersion);
        Assert.Equal(PyTorchExportRequest.DefaultOpset, (int)OnnxModelInspector.Inspect(onnx).OpsetVersion);
        // Only the model is left in the output folder: the work folder is gone.
        Assert.Equal(["model.onnx"], Directory.GetFileSystemEntries(Path.GetDirectoryName(onnx)!).Select(Path.GetFileName));
        RunsAtBatch(result, 5, [[5, 4]]);
    }

    [Fact]
    public async Task A_pickled_sequential_exports_when_trusted_and_names_its_output()
    {
        var result = await Export(new PyTorchExportRequest(
            models.Sequential, models.NewOnnxPath(), [new("features", "FP32", [-1, 8])], TrustPickle: true));

        Assert.Equal(PyTorchFileKind.Pickle, result.SourceKind);
        Assert.Equal("output_0", Assert.Single(result.OutputSpecs).Name);
        Assert.InRange(result.WorstAbsDiff, 0, Goal);
        RunsAtBatch(result, 5, [[5, 3]]);
    }

    [Fact]
    public async Task A_bert_shaped_encoder_with_open_sequence_length_exports_with_named_dynamic_axes()
    {
        string[] names = ["input_ids", "attention_mask", "token_type_ids"];
        var result = await Export(new PyTorchExportRequest(
            models.Bert, models.NewOnnxPath(), names.Select(n => new TensorSpec(n, "int64", [-1, -1])).ToList(), ["start", "end"]));

        Assert.Equal(names, result.InputSpecs.Select(i => i.Name));
        Assert.All(result.InputSpecs, i =>
        {
            Assert.Equal("INT64", i.DataType);
            Assert.Equal([-1L, -1L], i.Shape);
        });
        Assert.Equal(["start", "end"], result.OutputSpecs.Select(o => o.Name));
        Assert.InRange(result.MaxAbsDiff["start"], 0, Goal);
        Assert.InRange(result.MaxAbsDiff["end"], 0, Goal);
        RunsAtBatch(result, 5, [[5, 7], [5, 7]], openSize: 7);
    }

    [Fact]
    public async Task A_pickled_cnn_with_open_height_and_width_exports()
    {
        var result = await Export(new PyTorchExportRequest(
            models.Cnn, models.NewOnnxPath(), [new("image", "float32", [-1, 3, -1, -1])], ["logits"], TrustPickle: true));

        Assert.Equal([-1L, 3, -1, -1], Assert.Single(result.InputSpecs).Shape);
        Assert.InRange(result.MaxAbsDiff["logits"], 0, Goal);
        RunsAtBatch(result, 5, [[5, 5]], openSize: 23);
    }

    [Fact]
    public async Task An_operator_of_a_later_opset_exports_when_that_opset_is_asked_for()
    {
        var onnx = models.NewOnnxPath();
        var result = await Export(new PyTorchExportRequest(models.Triu, onnx, [new("x", "FP32", [-1, 8])], Opset: 14));

        Assert.Equal(14, result.Opset);
        Assert.Equal(14, OnnxModelInspector.Inspect(onnx).OpsetVersion);
        Assert.InRange(result.WorstAbsDiff, 0, Goal);
    }

    [Fact]
    public async Task A_fixed_length_model_exports_when_its_length_is_declared()
    {
        var result = await Export(new PyTorchExportRequest(models.FixedLength, models.NewOnnxPath(), [new("input_ids", "INT64", [-1, 16])]));

        Assert.Equal([-1L, 16], Assert.Single(result.InputSpecs).Shape);
        Assert.InRange(result.WorstAbsDiff, 0, Goal);
    }

    [Fact]
    public async Task An_input_the_model_does_not_use_is_left_out_of_the_graph_and_said_so()
    {
        var result = await Export(new PyTorchExportRequest(
            models.UnusedInput, models.NewOnnxPath(), [new("x", "FP32", [-1, 8]), new("unused", "FP32", [-1, 8])]));

        Assert.Equal("x", Assert.Single(result.InputSpecs).Name);
        Assert.Contains("does not use input(s) unused", Assert.Single(result.Notes));
        Assert.InRange(result.WorstAbsDiff, 0, Goal);
    }

    [Fact]
    public async Task A_result_that_differs_beyond_a_zero_tolerance_is_refused_with_the_output_and_the_difference()
    {
        // The encoder's softmax and layer norms round differently in ONNX Runtime than in PyTorch, by far less than
        // the goal but not by nothing: a zero tolerance must refuse it and say by how much and where.
        var onnx = models.NewOnnxPath();
        var e = await Assert.ThrowsAsync<PyTorchExportException>(() => Export(new PyTorchExportRequest(
            models.Bert, onnx, new[] { "input_ids", "attention_mask", "token_type_ids" }.Select(n => new TensorSpec(n, "int64", [-1, -1])).ToList(),
            ["start", "end"], Tolerance: 0)));

        Assert.Equal(PyTorchExportError.OutputMismatch, e.Error);
        Assert.Matches(@"output '(start|end)' differs by up to [0-9.eE-]+ \(tolerance 0\)", e.Summary);
        Assert.Contains("Tolerance", e.Summary);
        Assert.False(Directory.Exists(Path.GetDirectoryName(onnx)), "a refused model leaves nothing behind");
    }

    private async Task<PyTorchExportResult> Export(PyTorchExportRequest request)
    {
        var result = await new PyTorchExporter(ExportTestOptions.Create()).ExportAsync(request);
        output.WriteLine($"{Path.GetFileName(request.ModelPath)}: {result.Elapsed.TotalSeconds:F2} s in all, torch.onnx.export {result.ExportTime.TotalSeconds:F2} s, " +
                         $"max |diff| {string.Join(", ", result.MaxAbsDiff.Select(kv => $"{kv.Key} {kv.Value:G3}"))}");
        return result;
    }

    /// <summary>Runs the exported model at a batch (and open size) the export never used and checks the output shapes.</summary>
    private static void RunsAtBatch(PyTorchExportResult result, int batch, long[][] expectedShapes, int openSize = 1)
    {
        using var session = OrtSessionFactory.Create(result.OnnxPath, OrtSettings.Default);
        var inputs = InputFactory.CreateRaw(result.InputSpecs, batch, seed: 7, vocabSize: 50, dynamicDimSize: openSize);
        var values = inputs.Select(i => i.ToOrtValue()).ToList();
        try
        {
            using var options = new RunOptions();
            using var outputs = session.Run(options, inputs.Select(i => i.Name).ToList(), values, session.OutputNames);
            Assert.Equal(expectedShapes, outputs.Select(o => o.GetTensorTypeAndShape().Shape));
            Assert.All(outputs, o => Assert.All(o.GetTensorDataAsSpan<float>().ToArray(), v => Assert.True(float.IsFinite(v))));
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    private sealed class SpecComparer : IEqualityComparer<TensorSpec>
    {
        public static readonly SpecComparer Instance = new();

        public bool Equals(TensorSpec? x, TensorSpec? y) =>
            x is not null && y is not null && x.Name == y.Name && x.DataType == y.DataType && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode(TensorSpec obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}

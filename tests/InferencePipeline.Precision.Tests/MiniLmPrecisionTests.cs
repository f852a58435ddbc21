using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using InferencePipeline.PretrainedModels;

namespace InferencePipeline.Precision.Tests;

/// <summary>The transforms on a real pretrained encoder with real sentences: what the accuracy gate is for.</summary>
public sealed class MiniLmPrecisionTests : IClassFixture<MiniLmFixture>, IDisposable
{
    private readonly MiniLmFixture _miniLm;
    private readonly TestDirectory _dir = new();
    private readonly TokenizedBatch _sentences;

    public MiniLmPrecisionTests(MiniLmFixture miniLm)
    {
        _miniLm = miniLm;
        _sentences = miniLm.Tokenizer.EncodeBatch(CalibrationSentences.English, MiniLmModel.DefaultSequenceLength);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Sensitivity_guided_int8_chosen_on_some_sentences_keeps_embeddings_within_the_gate_on_all()
    {
        // Choose with every fourth sentence; judge on all 32, most of which the search never saw.
        var calibration = Enumerable.Range(0, _sentences.BatchSize).Where(i => i % 4 == 0).Select(Inputs).ToList();
        using var chooser = new ReferenceAccuracyEvaluator(_miniLm.Files.ModelPath, calibration);
        var model = OnnxModelFile.Load(_miniLm.Files.ModelPath);

        var result = new SensitivityGuidedQuantization(m => chooser.Evaluate(m)).Run(model);

        Assert.True(result.Passed, result.ToString());
        Assert.InRange(result.Quantization.Quantized.Count, 30, 37); // most of the 37 weight MatMuls run in int8
        string path = _dir.File("minilm-int8.onnx");
        OnnxModelFile.Save(result.Quantization.Model, path);
        var (pooled, meanPooled) = Cosines(path);
        Assert.True(pooled >= 0.995, $"pooled output cosine {pooled:F5}");
        Assert.True(meanPooled >= 0.995, $"mean-pooled sentence embedding cosine {meanPooled:F5}");
    }

    [Fact]
    public void The_int8_recipe_calibrated_on_some_sentences_runs_every_MatMul_in_int8_within_the_gate_on_all()
    {
        var calibration = Enumerable.Range(0, _sentences.BatchSize).Where(i => i % 4 == 1).Select(Inputs).ToList();
        string path = _dir.File("minilm-int8-recipe.onnx");

        var result = Int8Recipe.Run(_miniLm.Files.ModelPath, path, calibration);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(37, result.Quantization.Quantized.Count);
        var (pooled, meanPooled) = Cosines(path);
        Assert.True(pooled >= 0.995, $"pooled output cosine {pooled:F5}");
        Assert.True(meanPooled >= 0.995, $"mean-pooled sentence embedding cosine {meanPooled:F5}");
    }

    [Fact]
    public void Fp16_keeps_embeddings_within_the_gate()
    {
        string path = _dir.File("minilm-fp16.onnx");
        Fp16Converter.Convert(_miniLm.Files.ModelPath, path);

        var (pooled, meanPooled) = Cosines(path);

        Assert.True(pooled >= 0.999 && meanPooled >= 0.999, $"pooled {pooled:F5}, mean-pooled {meanPooled:F5}");
        Assert.True(new FileInfo(path).Length < MiniLmModel.ModelLength * 0.55); // weights stored in half the bytes
    }

    private IReadOnlyList<RawInputTensor> Inputs(int row) => _sentences.Rows(row, 1).ToRawInputs();

    /// <summary>Mean cosine over all 32 sentences, at batch 1, of the pooler output and of the mean-pooled token states.</summary>
    private (double Pooled, double MeanPooled) Cosines(string candidatePath)
    {
        using var evaluator = new ReferenceAccuracyEvaluator(_miniLm.Files.ModelPath, Enumerable.Range(0, _sentences.BatchSize).Select(Inputs).ToList());
        var candidate = evaluator.RunAll(candidatePath, OrtSettings.Default).Outputs;
        double pooled = 0, meanPooled = 0;
        for (int row = 0; row < _sentences.BatchSize; row++)
        {
            var one = _sentences.Rows(row, 1);
            var want = evaluator.ReferenceOutputs[row];
            pooled += OutputComparer.Cosine(want[MiniLmModel.PooledOutput], candidate[row][MiniLmModel.PooledOutput], MiniLmModel.HiddenSize).Mean;
            meanPooled += OutputComparer.Cosine(
                MeanPooling.Embedding(want[MiniLmModel.LastHiddenState], one, 0),
                MeanPooling.Embedding(candidate[row][MiniLmModel.LastHiddenState], one, 0),
                MiniLmModel.HiddenSize).Mean;
        }

        return (pooled / _sentences.BatchSize, meanPooled / _sentences.BatchSize);
    }
}

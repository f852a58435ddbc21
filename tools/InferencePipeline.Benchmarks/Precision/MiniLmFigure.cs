using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using InferencePipeline.PretrainedModels;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Benchmarks.Precision;

/// <summary>
/// all-MiniLM-L6-v2 on the calibration sentences: fp32 at ONNX Runtime's defaults against int8 (everything
/// quantized; and the sensitivity-guided recipe that passes the gate) and fp16, accuracy at batch 1 over all
/// sentences, speed at each batch size on the first sentences.
/// </summary>
public static class MiniLmFigure
{
    public const string Name = "MiniLM-L6";

    public static IEnumerable<PrecisionRow> Run(PrecisionBenchOptions options, string work, TextWriter log)
    {
        var files = MiniLmModel.Locate();
        var tokenizer = SentenceTokenizer.FromVocabulary(files.VocabularyPath);
        var sentences = tokenizer.EncodeBatch(CalibrationSentences.English, options.SequenceLength);
        var perSentence = Enumerable.Range(0, sentences.BatchSize).Select(i => (IReadOnlyList<RawInputTensor>)sentences.Rows(i, 1).ToRawInputs()).ToList();
        using var gate = new ReferenceAccuracyEvaluator(files.ModelPath, perSentence);
        var model = OnnxModelFile.Load(files.ModelPath);

        log.WriteLine($"{Name}: {DynamicQuantizer.FindCandidates(model).Count} weight MatMul/Gemm nodes; sequence length {options.SequenceLength}");
        var candidates = new List<(string Name, string Path, string Note)>();

        string all = Path.Combine(work, "minilm-int8-all.onnx");
        var allResult = DynamicQuantizer.Quantize(files.ModelPath, all, new DynamicQuantizationOptions());
        candidates.Add(("int8-all", all, allResult.ToString()));

        var calibration = perSentence.Take(options.CalibrationSentences).ToList();
        log.WriteLine($"  int8 recipe (activation smoothing, then sensitivity-guided) on {options.CalibrationSentences} sentences ...");
        string recipe = Path.Combine(work, "minilm-int8-recipe.onnx");
        var recipeResult = Int8Recipe.Run(files.ModelPath, recipe, calibration, log: line => log.WriteLine($"    {line}"));
        if (recipeResult.Passed)
        {
            candidates.Add(("int8-recipe", recipe, $"smoothing α 0.7; {recipeResult.Quantization} ({recipeResult.Evaluations} evaluations)"));
        }

        log.WriteLine($"  sensitivity-guided int8 without smoothing on {options.CalibrationSentences} sentences ...");
        using (var chooser = new ReferenceAccuracyEvaluator(files.ModelPath, calibration))
        {
            var guided = new SensitivityGuidedQuantization(m => chooser.Evaluate(m)) { Log = line => log.WriteLine($"    {line}") }.Run(model);
            string path = Path.Combine(work, "minilm-int8-guided.onnx");
            OnnxModelFile.Save(guided.Quantization.Model, path);
            string kept = string.Join(" ", guided.Quantization.KeptFp32.Where(k => k.Reason == "excluded").Select(k => k.Node.Name));
            candidates.Add(("int8-guided", path, $"{guided.Quantization.Quantized.Count} int8, fp32 kept: {kept} ({guided.Evaluations} evaluations)"));
            log.WriteLine($"  {guided}");
        }

        string fp16 = Path.Combine(work, "minilm-fp16.onnx");
        var fp16Result = Fp16Converter.Convert(files.ModelPath, fp16);
        candidates.Add(("fp16", fp16, $"{fp16Result}; CPU session at ORT_ENABLE_EXTENDED"));

        var accuracy = candidates.ToDictionary(c => c.Name, c => Accuracy(gate, sentences, c.Path));
        foreach (int batch in options.Batches)
        {
            using var reference = OrtSessionFactory.Create(files.ModelPath, OrtSettings.Default);
            var sessions = new Dictionary<string, InferenceSession> { ["fp32"] = reference };
            foreach (var candidate in candidates)
            {
                sessions[candidate.Name] = OrtSessionFactory.Create(candidate.Path, OrtSettings.Default);
            }

            var rows = Enumerable.Range(0, batch).Select(i => i % sentences.BatchSize).ToList();
            var input = Batch(sentences, rows).ToRawInputs().Select(t => t.ToNamedOnnxValue()).ToList();
            log.WriteLine($"  timing batch {batch} ...");
            // The same number of sentences per round at every batch size, so a round lasts about as long.
            var ms = InterleavedTiming.MedianMs(sessions, input, options.Rounds, Math.Max(2, options.RunsPerRound / batch));
            foreach (var session in sessions.Values.Skip(1))
            {
                session.Dispose();
            }

            yield return new PrecisionRow(Name, "fp32", batch, ms["fp32"], 1, 1, 1, 0, true, "ONNX Runtime defaults (ORT_ENABLE_ALL, default threads)");
            foreach (var candidate in candidates)
            {
                var (verdict, pooled, meanPooled) = accuracy[candidate.Name];
                yield return new PrecisionRow(Name, candidate.Name, batch, ms[candidate.Name], ms["fp32"] / ms[candidate.Name],
                    pooled, meanPooled, verdict.MaxAbsDiff, verdict.Passed, $"{candidate.Note}; gate: {verdict}");
            }
        }
    }

    /// <summary>Gate verdict at batch 1 over all sentences, with the mean cosine of the pooler output and of the mean-pooled sentence embedding.</summary>
    private static (AccuracyVerdict Verdict, double Pooled, double MeanPooled) Accuracy(ReferenceAccuracyEvaluator gate, TokenizedBatch sentences, string path)
    {
        var outputs = gate.RunAll(path, OrtSettings.Default).Outputs;
        var verdict = AccuracyGate.Evaluate(gate.ReferenceOutputs, outputs, gate.Layouts, gate.Criteria, gate.SequenceMasks);
        double pooled = 0, meanPooled = 0;
        for (int row = 0; row < sentences.BatchSize; row++)
        {
            var one = sentences.Rows(row, 1);
            var want = gate.ReferenceOutputs[row];
            pooled += OutputComparer.Cosine(want[MiniLmModel.PooledOutput], outputs[row][MiniLmModel.PooledOutput], MiniLmModel.HiddenSize).Mean;
            meanPooled += OutputComparer.Cosine(
                MeanPooling.Embedding(want[MiniLmModel.LastHiddenState], one, 0),
                MeanPooling.Embedding(outputs[row][MiniLmModel.LastHiddenState], one, 0), MiniLmModel.HiddenSize).Mean;
        }

        return (verdict, pooled / sentences.BatchSize, meanPooled / sentences.BatchSize);
    }

    private static TokenizedBatch Batch(TokenizedBatch sentences, IReadOnlyList<int> rows)
    {
        var parts = rows.Select(r => sentences.Rows(r, 1)).ToList();
        return new TokenizedBatch(rows.Count, sentences.SequenceLength,
            parts.SelectMany(p => p.InputIds).ToArray(), parts.SelectMany(p => p.AttentionMask).ToArray(), parts.SelectMany(p => p.TokenTypeIds).ToArray());
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using InferencePipeline.PretrainedModels;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Benchmarks.Precision;

/// <summary>
/// ResNet18 (a CNN, fixed batch 1): fp32 against fp16, and int8 dynamic quantization, which has nothing to take in
/// this export (convolutions only; they need static quantization with calibrated activation ranges) and says so.
/// Inputs are deterministic pseudo-images; the gate compares the 1000 class logits by cosine.
/// </summary>
public static class ResNetFigure
{
    public const string Name = "ResNet18";

    public static IEnumerable<PrecisionRow> Run(PrecisionBenchOptions options, string work, TextWriter log)
    {
        string path = ResNet18Model.Locate();
        var spec = new TensorSpec(ResNet18Model.InputName, "FP32", ResNet18Model.InputShape.ToArray());
        var inputs = Enumerable.Range(0, 4).Select(seed => InputFactory.CreateRaw([spec], 1, seed)).ToList();
        using var gate = new ReferenceAccuracyEvaluator(path, inputs);
        log.WriteLine($"{Name}: {DynamicQuantizer.FindCandidates(OnnxModelFile.Load(path)).Count} weight MatMul/Gemm nodes");

        var candidates = new List<(string Name, string Path, string Note)>();
        string int8 = Path.Combine(work, "resnet18-int8.onnx");
        string? refused = null;
        try
        {
            var q = DynamicQuantizer.Quantize(path, int8, new DynamicQuantizationOptions());
            candidates.Add(("int8-dynamic", int8, q.ToString()));
        }
        catch (ModelTransformException e)
        {
            refused = e.Message;
            log.WriteLine($"  int8 dynamic quantization refused: {e.Message}");
        }

        string fp16 = Path.Combine(work, "resnet18-fp16.onnx");
        var h = Fp16Converter.Convert(path, fp16);
        candidates.Add(("fp16", fp16, $"{h}; CPU session at ORT_ENABLE_EXTENDED"));

        using var reference = OrtSessionFactory.Create(path, OrtSettings.Default);
        var sessions = new Dictionary<string, InferenceSession> { ["fp32"] = reference };
        foreach (var candidate in candidates)
        {
            sessions[candidate.Name] = OrtSessionFactory.Create(candidate.Path, OrtSettings.Default);
        }

        log.WriteLine("  timing batch 1 ...");
        var ms = InterleavedTiming.MedianMs(sessions, inputs[0].Select(t => t.ToNamedOnnxValue()).ToList(), options.Rounds, Math.Max(1, options.RunsPerRound / 2));
        foreach (var session in sessions.Values.Skip(1))
        {
            session.Dispose();
        }

        yield return new PrecisionRow(Name, "fp32", 1, ms["fp32"], 1, null, null, 0, true, "ONNX Runtime defaults");
        if (refused is not null)
        {
            yield return new PrecisionRow(Name, "int8-dynamic", 1, double.NaN, double.NaN, null, null, double.NaN, false, $"refused: {refused}");
        }

        foreach (var candidate in candidates)
        {
            var verdict = gate.Evaluate(candidate.Path);
            yield return new PrecisionRow(Name, candidate.Name, 1, ms[candidate.Name], ms["fp32"] / ms[candidate.Name],
                null, null, verdict.MaxAbsDiff, verdict.Passed, $"{candidate.Note}; gate: {verdict}");
        }
    }
}

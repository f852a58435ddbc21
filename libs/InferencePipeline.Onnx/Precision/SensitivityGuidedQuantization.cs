using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// Chooses which weight MatMuls to leave in fp32 so that int8 dynamic quantization passes an accuracy gate:
/// <list type="number">
/// <item>quantize everything; if the gate passes, done;</item>
/// <item>measure each node's sensitivity: quantize it alone and take the accuracy loss it causes;</item>
/// <item>keep the most sensitive nodes in fp32, one more at a time, until the gate passes (or
///   <see cref="MaxKeptFraction"/> of the nodes are kept, which counts as no recipe).</item>
/// </list>
/// Errors of separate layers roughly add up, so a few sensitive nodes usually carry most of the loss while the
/// rest keep int8's speed. Works on any model with weight MatMul/Gemm nodes; the evaluator decides what accurate means.
/// </summary>
public sealed class SensitivityGuidedQuantization
{
    private readonly Func<ModelProto, AccuracyVerdict> _evaluate;

    /// <param name="evaluate">Judges a candidate model against the fp32 reference (e.g. <see cref="ReferenceAccuracyEvaluator.Evaluate(ModelProto, InferencePipeline.Contracts.OrtSettings?)"/>).</param>
    public SensitivityGuidedQuantization(Func<ModelProto, AccuracyVerdict> evaluate)
    {
        _evaluate = evaluate ?? throw new ArgumentNullException(nameof(evaluate));
    }

    /// <summary>At most this share of the quantizable nodes may stay fp32; beyond it int8 gains too little to be worth it.</summary>
    public double MaxKeptFraction { get; init; } = 0.5;

    /// <summary>Called with a line per evaluation (what was tried and the verdict), for logs.</summary>
    public Action<string>? Log { get; init; }

    public SensitivityGuidedResult Run(ModelProto model, DynamicQuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new DynamicQuantizationOptions();
        int evaluations = 0;
        AccuracyVerdict Judge(QuantizationResult candidate, string what)
        {
            evaluations++;
            var verdict = _evaluate(candidate.Model);
            Log?.Invoke($"{what}: {(verdict.Passed ? "passed" : "failed")} ({string.Join("; ", verdict.Outputs)})");
            return verdict;
        }

        var all = DynamicQuantizer.Quantize(model, options);
        var allVerdict = Judge(all, "all quantized");
        if (allVerdict.Passed)
        {
            return new SensitivityGuidedResult(all, allVerdict, [], evaluations);
        }

        var candidates = all.Quantized;
        var sensitivities = new List<NodeSensitivity>(candidates.Count);
        foreach (var node in candidates)
        {
            var alone = DynamicQuantizer.Quantize(model, options.Excluding(candidates.Where(c => c.Name != node.Name).Select(c => c.Name)));
            sensitivities.Add(new NodeSensitivity(node, Loss(Judge(alone, $"only {node.Name}"))));
        }

        sensitivities.Sort((a, b) => b.Loss.CompareTo(a.Loss));
        int maxKept = (int)Math.Floor(candidates.Count * MaxKeptFraction);
        QuantizationResult? best = null;
        AccuracyVerdict? bestVerdict = null;
        for (int kept = 1; kept <= maxKept; kept++)
        {
            var attempt = DynamicQuantizer.Quantize(model, options.Excluding(sensitivities.Take(kept).Select(s => s.Node.Name)));
            var verdict = Judge(attempt, $"{kept} most sensitive kept fp32");
            (best, bestVerdict) = (attempt, verdict);
            if (verdict.Passed)
            {
                break;
            }
        }

        return new SensitivityGuidedResult(best ?? all, bestVerdict ?? allVerdict, sensitivities, evaluations);
    }

    /// <summary>One number for how far a verdict is from the reference: the shortfall of each output's metric from perfect, added up.</summary>
    public static double Loss(AccuracyVerdict verdict) => verdict.Outputs.Sum(o => o.Metric switch
    {
        AccuracyMetric.RelativeMaxAbsDiff => o.Value,
        _ => 1 - o.Value,
    });
}

using System.Globalization;

namespace InferencePipeline.Benchmarks.Precision;

/// <summary>One candidate at one batch size: its latency, speed against fp32 at ONNX Runtime's defaults, and accuracy.</summary>
public sealed record PrecisionRow(
    string Model, string Candidate, int BatchSize, double LatencyMs, double SpeedRatio,
    double? PooledCosine, double? MeanPooledCosine, double MaxAbsDiff, bool GatePassed, string Note)
{
    public const string CsvHeader = "model,candidate,batch_size,latency_ms,speed_vs_fp32_default,pooled_cosine,mean_pooled_cosine,max_abs_diff,accuracy_ok,note";

    public string ToCsv() => string.Join(',',
        Model, Candidate, BatchSize.ToString(CultureInfo.InvariantCulture), F(LatencyMs, "0.###"), F(SpeedRatio, "0.###"),
        PooledCosine is { } p ? F(p, "0.#####") : "", MeanPooledCosine is { } m ? F(m, "0.#####") : "", F(MaxAbsDiff, "G4"),
        GatePassed ? "yes" : "no", '"' + Note.Replace("\"", "'") + '"');

    public override string ToString() =>
        $"{Model,-10} {Candidate,-12} b{BatchSize,-3} {LatencyMs,8:F2} ms  x{SpeedRatio,5:F2}  " +
        $"{(PooledCosine is { } p ? $"pooled {p:F5}" : ""),-15} {(MeanPooledCosine is { } m ? $"mean {m:F5}" : ""),-13} max|diff| {MaxAbsDiff,-8:G3} gate {(GatePassed ? "ok" : "FAIL")}  {Note}";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Configuration section <c>Pipeline:OrtTuner</c>, also what <c>inferpipe tune</c> fills from its flags. The defaults
/// keep a search of all-MiniLM-L6-v2 (sequence 128) near a minute on two CPU cores: about seven fp32 settings, int8 and
/// fp16, each a short warm-up plus 500 ms windows until three agree.
/// </summary>
public sealed class OrtTunerOptions
{
    public const string Section = "Pipeline:OrtTuner";

    /// <summary>Length of one measurement window.</summary>
    public int WindowMs { get; set; } = 500;

    /// <summary>Load thrown away before the first window (first runs allocate ORT's arenas).</summary>
    public int WarmupMs { get; set; } = 200;

    /// <summary>Windows per trial at most; a trial that is not stable by then is kept and marked unstable.</summary>
    public int MaxWindowsPerTrial { get; set; } = 6;

    /// <summary>perf_analyzer's stability rule: the last three windows within this percentage.</summary>
    public double StabilityPercentage { get; set; } = 10;

    /// <summary>fp32 settings tried at most, the default included; the precision candidates (int8, fp16) come on top.</summary>
    public int MaxTrials { get; set; } = 16;

    /// <summary>No new fp32 setting is tried after this long (the best so far stands); the precision candidates still run.</summary>
    public int MaxTuningSeconds { get; set; } = 180;

    /// <summary>
    /// Try every combination of graph level × intra-op threads × execution mode instead of one knob at a time from the
    /// best so far (the default: levels, then threads at the best level, then parallel mode).
    /// </summary>
    public bool Exhaustive { get; set; }

    /// <summary>
    /// Largest absolute output difference from the default session an fp32 settings candidate may have: it computes the
    /// same function on the same model, and graph rewrites move logits by ~1e-6, so 1e-3 still catches a broken fusion.
    /// Precision candidates are judged by the accuracy gate alone.
    /// </summary>
    public double Tolerance { get; set; } = 1e-3;

    /// <summary>Accuracy gate: least mean cosine similarity for embeddings, hidden states and logits.</summary>
    public double MinCosine { get; set; } = AccuracyCriteria.Default.MinCosine;

    /// <summary>Accuracy gate: least share of unchanged argmax (start/end outputs) or of equal values (integer outputs).</summary>
    public double MinAgreement { get; set; } = AccuracyCriteria.Default.MinAgreement;

    /// <summary>Accuracy gate: largest max |diff| relative to the reference's largest magnitude, for one-value-per-sample outputs.</summary>
    public double MaxRelativeDiff { get; set; } = AccuracyCriteria.Default.MaxRelativeDiff;

    /// <summary>Accuracy gate: an absolute bound on every output's max |diff| as well; null does not gate on it.</summary>
    public double? MaxAbsDiff { get; set; }

    /// <summary>Input sets (batch-1 requests) the accuracy gate and the int8 calibration run on: the first steps of the
    /// real input data, or as many generated ones.</summary>
    public int AccuracySamples { get; set; } = 16;

    /// <summary>Requests in flight while measuring; 1 measures latency-bound single-stream speed, as the seed's OLive run did.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>
    /// Samples per request, each measured for every candidate; the choice is made at the first. Empty means batch 1
    /// alone, OLive's default (configuration binding appends to a non-empty default, so the default is empty).
    /// Models whose first dimension is fixed are measured at batch 1 only.
    /// </summary>
    public List<int> BatchSizes { get; set; } = [];

    /// <summary><see cref="BatchSizes"/>, or batch 1 when none are given, without repeats.</summary>
    public IReadOnlyList<int> EffectiveBatchSizes => BatchSizes.Count == 0 ? [1] : BatchSizes.Distinct().ToList();

    /// <summary>Execution providers the search may use ("CPU", "CUDA", "TensorRT"); empty: every one that works here.
    /// ONNX Runtime's defaults (CPU) are always measured: they are the baseline.</summary>
    public List<string> Providers { get; set; } = [];

    /// <summary>Try int8 (dynamic quantization of MatMul/Gemm weights, with activation smoothing) on CPUs with VNNI or AMX.</summary>
    public bool QuantizationEnabled { get; set; } = true;

    /// <summary>Try TensorRT in fp16 (TensorRT's own precision mode) where TensorRT works, as the seed's OLive run did.</summary>
    public bool TensorRtFp16Enabled { get; set; } = true;

    /// <summary>Try the fp16 model once on CPU too (in a child process). The CPU has few fp16 kernels, so expect it slower;
    /// it shows what fp16 does here and costs a few seconds.</summary>
    public bool Fp16OnCpu { get; set; } = true;

    /// <summary>Run every candidate's trial in a child process, not only the fp16 ones (for models that may crash ONNX Runtime).</summary>
    public bool IsolateAllTrials { get; set; }

    /// <summary>A trial in a child process is killed, and counts as failed, after this long.</summary>
    public int TrialTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// The command that runs an isolated trial, the request file's path appended; empty: this application's copy of
    /// InferencePipeline.OrtTuner.TrialWorker run by the dotnet host that runs this process.
    /// </summary>
    public List<string> TrialWorkerCommand { get; set; } = [];

    public AccuracyCriteria Criteria() => new()
    {
        MinCosine = MinCosine,
        MinAgreement = MinAgreement,
        MaxRelativeDiff = MaxRelativeDiff,
        MaxAbsDiff = MaxAbsDiff,
    };

    public LoadGenOptions LoadOptions() => new()
    {
        WindowMs = WindowMs,
        WarmupMs = WarmupMs,
        // The rule compares three windows, so fewer could never be stable.
        MaxTrials = Math.Max(3, MaxWindowsPerTrial),
        StabilityPercentage = StabilityPercentage,
    };

    /// <summary>What is wrong with these options (null when nothing): the message names the setting and the fix.</summary>
    public string? Problem()
    {
        if (BatchSizes.Any(b => b < 1))
        {
            return "batch sizes must be positive integers (e.g. 1 or 1,8); the first is where the choice is made";
        }

        if (AccuracySamples < 1)
        {
            return "the accuracy gate needs at least one input set (AccuracySamples >= 1)";
        }

        if (WindowMs < 1 || Concurrency < 1 || TrialTimeoutSeconds < 1)
        {
            return "window length, concurrency and the trial time limit must be positive";
        }

        try
        {
            Criteria().Validate();
            foreach (var provider in Providers)
            {
                InferencePipeline.ModelRepository.OrtExecutionProviderNames.Normalize(provider);
            }
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        return null;
    }
}

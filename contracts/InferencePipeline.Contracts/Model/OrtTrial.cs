namespace InferencePipeline.Contracts;

/// <summary>
/// One ORT tuner measurement: a candidate (settings, and the model file they run: fp32, or transformed to int8/fp16)
/// at one batch size, its throughput and latency in process, or why it failed or was skipped (<see cref="Error"/>).
/// <para>Accuracy against the fp32 model at ONNX Runtime's defaults on the same inputs: <see cref="MaxAbsDiff"/> (null
/// when not compared), <see cref="AccuracyMetric"/> (e.g. <c>cosine</c>, <c>argmax+cosine</c>), its value
/// <see cref="AccuracyValue"/> (the worst output's) and whether the gate passed (<see cref="AccuracyOk"/>); a candidate
/// outside the gate is never chosen, and <see cref="Error"/> says why.</para>
/// <para><see cref="Candidate"/> names the candidate (<c>default</c> for ONNX Runtime's defaults; one name for all its
/// batch sizes); <see cref="Note"/> says what was done to it (e.g. the int8 recipe's figures) or why a run ended.</para>
/// </summary>
public sealed record OrtTrial(
    OrtSettings Settings,
    double ThroughputPerSec,
    double LatencyP50Ms,
    double LatencyP99Ms,
    string? Error = null,
    double? MaxAbsDiff = null,
    string? Candidate = null,
    int BatchSize = 1,
    string? AccuracyMetric = null,
    double? AccuracyValue = null,
    bool? AccuracyOk = null,
    string? Note = null);

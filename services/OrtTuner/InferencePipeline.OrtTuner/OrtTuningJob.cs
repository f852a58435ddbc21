using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// One model to tune: its ONNX file, its inputs with every dimension concrete but a leading -1 batch
/// (<see cref="TuningInputs.Resolve"/>), the real inputs when there are any (perf_analyzer JSON, read and its path), and a
/// folder for the transformed candidates (int8, fp16) and the trials' files. <see cref="Providers"/>: which execution
/// providers to plan for; null detects them (<see cref="ExecutionProviders.Detect"/>), as every real run does.
/// </summary>
public sealed record OrtTuningJob(
    string ModelPath,
    IReadOnlyList<TensorSpec> Inputs,
    PerfAnalyzerInputData? InputData,
    string? InputDataPath,
    string WorkDirectory,
    ExecutionProviderReport? Providers = null);

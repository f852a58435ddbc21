using InferencePipeline.Contracts;

namespace InferencePipeline.LoadGen;

/// <summary>
/// The outcome of one concurrency level: <see cref="Stats"/> merged from the last windows the stability
/// rule compared, plus every window and the failures seen (failures below the error threshold do not
/// fail a measurement, but they are reported).
/// </summary>
public sealed record MeasurementResult(int Concurrency, LatencyStats Stats, IReadOnlyList<WindowResult> Windows, long ErrorCount);

using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// One candidate's ONNX Runtime session, opened with the trial's settings: its outputs on the accuracy inputs (for the
/// gate, judged by the caller against the reference's), then single-stream speed at each batch size, measured in process
/// with the load generator (perf_analyzer's windows and stability rule). The tuner uses it directly for trials that cannot
/// crash ONNX Runtime, and <see cref="TrialWorkerProgram"/> uses it in a child process for the others.
/// </summary>
public sealed class OrtTrialSession : IDisposable
{
    private readonly OrtSessionResult _session;
    private readonly TrialSpec _spec;
    private readonly ConcurrencyLoadGenerator _generator = new();

    private OrtTrialSession(OrtSessionResult session, TrialSpec spec)
    {
        _session = session;
        _spec = spec;
    }

    public OrtSettings Effective => _session.Effective;

    public IReadOnlyList<string> Notes => _session.Notes;

    /// <summary>The session, or why it cannot be had: a model ONNX Runtime refuses, or a provider that fell back to CPU
    /// (the CPU candidates already cover CPU; measuring the fallback again would only add noise).</summary>
    public static (OrtTrialSession? Session, TrialResult? Failure) Open(TrialSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        OrtSessionResult created;
        try
        {
            created = OrtSessionFactory.CreateDetailed(spec.ModelPath, spec.Settings);
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException or ArgumentException)
        {
            return (null, TrialResult.Failed($"session creation failed: {e.Message}"));
        }

        if (created.FellBack)
        {
            var failure = TrialResult.Failed(string.Join("; ", created.Notes), created.Effective, created.Notes);
            created.Dispose();
            return (null, failure);
        }

        return (new OrtTrialSession(created, spec), null);
    }

    /// <summary>The outputs, as floats by name, of one run per input set (each set a batch-1 request).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, float[]>> Outputs(IReadOnlyList<IReadOnlyList<RawInputTensor>> inputSets)
    {
        var outputs = new List<IReadOnlyDictionary<string, float[]>>(inputSets.Count);
        foreach (var set in inputSets)
        {
            using var results = _session.Session.Run(set.Select(t => t.ToNamedOnnxValue()).ToList());
            outputs.Add(OnnxOutputs.ToFloatArrays(results));
        }

        return outputs;
    }

    /// <summary>
    /// Throughput and latency at each batch size of the spec, on <paramref name="timingData"/> (real inputs) or on
    /// generated ones. A batch size the model cannot take, or a measurement that fails, is reported, not thrown.
    /// </summary>
    public async Task<IReadOnlyList<BatchTiming>> MeasureAsync(PerfAnalyzerInputData? timingData, CancellationToken ct)
    {
        var timings = new List<BatchTiming>(_spec.BatchSizes.Count);
        foreach (int batch in _spec.BatchSizes)
        {
            if (batch > 1 && !_spec.Batches)
            {
                timings.Add(new BatchTiming(batch, null, $"batch {batch} not measured: the model's first dimension is fixed, so it takes batch 1 only"));
                continue;
            }

            try
            {
                using var target = timingData is null
                    ? new InProcessOrtTarget(_session.Session, _spec.Inputs, batch)
                    : new InProcessOrtTarget(_session.Session, _spec.Inputs, timingData, batch);
                var stats = await _generator.MeasureAsync(target, _spec.Concurrency, _spec.Load, progress: null, ct);
                timings.Add(new BatchTiming(batch, stats));
            }
            catch (Exception e) when (e is LoadGenException or InputDataException or OnnxRuntimeException or ArgumentException or NotSupportedException)
            {
                timings.Add(new BatchTiming(batch, null, $"measurement at batch {batch} failed: {e.Message}"));
            }
        }

        return timings;
    }

    /// <summary>Everything in one go, as the child process runs it: outputs, then timings (which the gate may later discard).</summary>
    public static async Task<(TrialResult Result, IReadOnlyList<IReadOnlyDictionary<string, float[]>> Outputs)> RunAsync(
        TrialSpec spec, IReadOnlyList<IReadOnlyList<RawInputTensor>> accuracyInputs, PerfAnalyzerInputData? timingData, CancellationToken ct)
    {
        var (session, failure) = Open(spec);
        if (session is null)
        {
            return (failure!, []);
        }

        using (session)
        {
            IReadOnlyList<IReadOnlyDictionary<string, float[]>> outputs;
            try
            {
                outputs = session.Outputs(accuracyInputs);
            }
            catch (Exception e) when (e is OnnxRuntimeException or NotSupportedException or ArgumentException)
            {
                return (TrialResult.Failed($"inference failed: {e.Message}", session.Effective, session.Notes), []);
            }

            var timings = await session.MeasureAsync(timingData, ct);
            return (new TrialResult(session.Effective, session.Notes, null, timings), outputs);
        }
    }

    public void Dispose() => _session.Dispose();
}

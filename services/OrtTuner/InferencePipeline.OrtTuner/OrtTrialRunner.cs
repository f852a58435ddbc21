using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Runs one trial of the search: a session with the trial's settings, its outputs compared with the
/// default session's on the same fixed input, then single-stream speed measured in process with the
/// load generator (perf_analyzer's windows and stability rule). The first trial must be the default: its
/// outputs become the reference the others are held to.
/// </summary>
public sealed class OrtTrialRunner
{
    private const int InputSeed = 7;

    private readonly string _modelPath;
    private readonly IReadOnlyList<TensorSpec> _inputs;
    private readonly OrtTunerOptions _options;
    private readonly IReadOnlyList<NamedOnnxValue> _checkInputs;
    private readonly ConcurrencyLoadGenerator _loadGenerator = new();
    private Dictionary<string, float[]>? _reference;

    public OrtTrialRunner(string modelPath, IReadOnlyList<TensorSpec> inputs, OrtTunerOptions options)
    {
        _modelPath = modelPath;
        _inputs = inputs;
        _options = options;
        _checkInputs = InputFactory.Create(inputs, options.BatchSize, InputSeed);
    }

    public async Task<OrtTrial> RunAsync(OrtSettings settings, CancellationToken ct)
    {
        OrtSessionResult created;
        try
        {
            created = OrtSessionFactory.CreateDetailed(_modelPath, settings);
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException or ArgumentException)
        {
            return Failed(settings, $"session creation failed: {e.Message}");
        }

        using (created)
        {
            if (created.FellBack)
            {
                // The CPU trials already cover CPU; measuring the fallback again would only add noise.
                return Failed(settings, string.Join("; ", created.Notes));
            }

            double maxAbsDiff;
            try
            {
                using var outputs = created.Session.Run(_checkInputs);
                var values = OnnxOutputs.ToFloatArrays(outputs);
                if (_reference is null)
                {
                    _reference = values;
                    maxAbsDiff = 0;
                }
                else
                {
                    var comparison = OutputComparer.Compare(_reference, values);
                    maxAbsDiff = comparison.MaxAbsDiff;
                    if (!comparison.Within(_options.Tolerance))
                    {
                        return Failed(created.Effective,
                            $"rejected: outputs differ from the default session ({comparison}), over the tolerance {_options.Tolerance:G3}", maxAbsDiff);
                    }
                }
            }
            catch (Exception e) when (e is OnnxRuntimeException or NotSupportedException or ArgumentException)
            {
                return Failed(created.Effective, $"inference failed: {e.Message}");
            }

            try
            {
                using var target = new InProcessOrtTarget(created.Session, _inputs, _options.BatchSize);
                var stats = await _loadGenerator.MeasureAsync(target, _options.Concurrency, LoadOptions(), null, ct);
                return new OrtTrial(created.Effective, stats.ThroughputPerSec, stats.P50Ms, stats.P99Ms, MaxAbsDiff: maxAbsDiff);
            }
            catch (Exception e) when (e is LoadGenException or OnnxRuntimeException or ArgumentException or NotSupportedException)
            {
                return Failed(created.Effective, $"measurement failed: {e.Message}", maxAbsDiff);
            }
        }
    }

    private LoadGenOptions LoadOptions() => new()
    {
        WindowMs = _options.WindowMs,
        WarmupMs = _options.WarmupMs,
        // The rule compares three windows, so fewer could never be stable.
        MaxTrials = Math.Max(3, _options.MaxWindowsPerTrial),
        StabilityPercentage = _options.StabilityPercentage,
    };

    private static OrtTrial Failed(OrtSettings settings, string error, double? maxAbsDiff = null) =>
        new(settings, 0, 0, 0, error, maxAbsDiff);
}

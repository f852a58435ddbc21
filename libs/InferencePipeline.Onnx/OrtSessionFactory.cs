using InferencePipeline.Contracts;
using InferencePipeline.ModelRepository;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx;

/// <summary>
/// Turns <see cref="OrtSettings"/> into an ONNX Runtime session: execution provider, graph optimization level
/// (0 disable, 1 basic, 2 extended, 99 all) and intra/inter-op threads. Never crashes on a missing provider:
/// it falls back to CPU and says so in <see cref="OrtSessionResult.Notes"/> (and <paramref name="log"/>).
/// </summary>
public static class OrtSessionFactory
{
    /// <summary>The session alone; see <see cref="CreateDetailed"/> for the effective settings and notes.</summary>
    public static InferenceSession Create(string modelPath, OrtSettings settings, Action<string>? log = null) =>
        CreateDetailed(modelPath, settings, log).Session;

    public static OrtSessionResult CreateDetailed(string modelPath, OrtSettings settings, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!File.Exists(modelPath))
        {
            throw new InvalidModelException(modelPath, $"model file '{modelPath}' does not exist", new FileNotFoundException(null, modelPath));
        }

        var notes = new List<string>();
        void Note(string message)
        {
            notes.Add(message);
            log?.Invoke(message);
        }

        string provider = OrtExecutionProviderNames.Normalize(settings.ExecutionProvider);
        string precision = OrtConfigParameters.NormalizePrecision(settings.Precision);
        var level = ToOrtLevel(settings.GraphOptimizationLevel);
        int effectiveLevel = settings.GraphOptimizationLevel;

        // ORT_ENABLE_ALL on an fp16 model segfaults at session creation on CPU (docs/platform-facts.md), uncatchable, so clamp.
        if (level == GraphOptimizationLevel.ORT_ENABLE_ALL && (precision == "fp16" || OnnxModelPrecision.UsesFloat16(modelPath)))
        {
            level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED;
            effectiveLevel = 2;
            Note($"'{Path.GetFileName(modelPath)}' computes in fp16: graph optimization clamped from ALL to EXTENDED (ALL crashes ORT on fp16 models)");
        }

        var report = ExecutionProviders.Detect();
        if (!report.IsAvailable(provider))
        {
            string reason = report.Reasons.TryGetValue(provider, out var r) ? r : "not available";
            Note($"execution provider {provider} is not available ({reason}); using CPU");
            provider = OrtExecutionProviderNames.Cpu;
        }

        var effective = settings with
        {
            ExecutionProvider = provider,
            Precision = precision,
            GraphOptimizationLevel = effectiveLevel,
            ExecutionMode = OrtConfigParameters.NormalizeExecutionMode(settings.ExecutionMode),
        };
        if (provider != OrtExecutionProviderNames.Cpu)
        {
            try
            {
                using var gpuOptions = Options(effective, level);
                AppendProvider(gpuOptions, provider, precision);
                var gpuSession = Load(modelPath, gpuOptions);
                return new OrtSessionResult(gpuSession, settings, effective, notes);
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                // Libraries can load with no usable device behind them; only session creation tells.
                Note($"execution provider {provider} failed to start ({ExecutionProviders.FirstLine(e.Message)}); using CPU");
                effective = effective with { ExecutionProvider = OrtExecutionProviderNames.Cpu };
            }
        }

        using var options = Options(effective, level);
        try
        {
            var session = Load(modelPath, options);
            return new OrtSessionResult(session, settings, effective, notes);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidModelException(modelPath, $"ONNX Runtime cannot load '{modelPath}' with {effective}: {e.Message}", e);
        }
    }

    /// <summary>OrtSettings level (0, 1, 2, 99) → ORT enum; anything else is an error, not a silent default.</summary>
    public static GraphOptimizationLevel ToOrtLevel(int level) => level switch
    {
        0 => GraphOptimizationLevel.ORT_DISABLE_ALL,
        1 => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        2 => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        99 => GraphOptimizationLevel.ORT_ENABLE_ALL,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "graph optimization level must be 0, 1, 2 or 99"),
    };

    private static SessionOptions Options(OrtSettings settings, GraphOptimizationLevel level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InterOpThreads);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = level,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (settings.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = settings.IntraOpThreads;
        }

        if (settings.InterOpThreads > 0)
        {
            options.InterOpNumThreads = settings.InterOpThreads;
        }

        // Inter-op threads only run in parallel mode, which the settings ask for explicitly (as Triton's execution_mode does).
        if (OrtConfigParameters.NormalizeExecutionMode(settings.ExecutionMode) == OrtSettings.Parallel)
        {
            options.ExecutionMode = ExecutionMode.ORT_PARALLEL;
        }

        return options;
    }

    private static void AppendProvider(SessionOptions options, string provider, string precision)
    {
        if (provider == OrtExecutionProviderNames.TensorRt)
        {
            using var tensorRt = new OrtTensorRTProviderOptions();
            tensorRt.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = "0",
                ["trt_fp16_enable"] = precision == "fp16" ? "1" : "0",
                ["trt_int8_enable"] = precision == "int8" ? "1" : "0",
            });
            options.AppendExecutionProvider_Tensorrt(tensorRt);
        }

        // CUDA also backs TensorRT for the nodes TensorRT cannot take, as in Triton's backend.
        options.AppendExecutionProvider_CUDA(0);
    }

    private static InferenceSession Load(string modelPath, SessionOptions options) => new(modelPath, options);
}

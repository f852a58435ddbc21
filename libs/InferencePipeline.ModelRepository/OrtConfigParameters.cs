using System.Globalization;
using Inference;
using InferencePipeline.Contracts;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Writes <see cref="OrtSettings"/> into a <see cref="ModelConfig"/> the way Triton's onnxruntime backend reads
/// them, and reads them back, so a tuned config.pbtxt means the same to Triton and to our embedded server.
/// <para>
/// Graph optimization level. Triton's backend (triton-inference-server/onnxruntime_backend, src/onnxruntime.cc
/// and README "Model Config Options") starts from ORT_ENABLE_ALL and reads <c>optimization { graph { level } }</c>:
/// <c>-1</c> → ORT_ENABLE_BASIC, <c>1</c> → ORT_ENABLE_EXTENDED, <c>2</c> → ORT_DISABLE_ALL, anything else
/// (0 or no graph block) → ORT_ENABLE_ALL. OrtSettings uses ORT's own numbers (0 disable, 1 basic,
/// 2 extended, 99 all), so: 0 ↔ 2, 1 ↔ -1, 2 ↔ 1, 99 ↔ no graph block.
/// </para>
/// <para>
/// Threads: <c>parameters { key: "intra_op_thread_count" }</c> and <c>"inter_op_thread_count"</c> (string
/// values; 0 or absent = ORT's default). Execution mode: <c>parameters { key: "execution_mode" }</c>, "0" sequential
/// (ORT's default, also when absent) and "1" parallel; ORT only uses the inter-op threads in parallel mode.
/// </para>
/// <para>
/// Execution provider: Triton's backend uses the CUDA EP for instances of kind KIND_GPU, and adds TensorRT when
/// <c>optimization { execution_accelerators { gpu_execution_accelerator [ { name: "tensorrt" } ] } }</c> is
/// present; TensorRT precision is its <c>precision_mode</c> parameter ("FP32", "FP16", "INT8"). CPU means
/// instances of kind KIND_CPU and no GPU accelerator.
/// </para>
/// <para>
/// Precision on CPU/CUDA is a property of model.onnx itself (the tuner converts the file), which Triton's
/// config cannot express; it is recorded in the <c>model_precision</c> parameter, which Triton's backend ignores
/// (it only looks up the keys it knows) and which lets <see cref="Read"/> give back what was applied.
/// </para>
/// </summary>
public static class OrtConfigParameters
{
    public const string IntraOpThreadCount = "intra_op_thread_count";
    public const string InterOpThreadCount = "inter_op_thread_count";
    public const string ExecutionMode = "execution_mode";
    public const string ModelPrecision = "model_precision";
    public const string TensorRtAcceleratorName = "tensorrt";
    public const string TensorRtPrecisionMode = "precision_mode";
    public const string TensorRtMaxWorkspaceSizeBytes = "max_workspace_size_bytes";

    /// <summary>TensorRT's workspace when none is set: Triton's documented default, 1 GiB.</summary>
    public const string DefaultTensorRtWorkspaceBytes = "1073741824";

    /// <summary>
    /// Writes <paramref name="settings"/> into <paramref name="config"/> (changed in place, and returned for
    /// chaining); ORT-related parameters already there are replaced, everything else is kept.
    /// </summary>
    public static ModelConfig Apply(ModelConfig config, OrtSettings settings)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(settings);
        string provider = OrtExecutionProviderNames.Normalize(settings.ExecutionProvider);
        string precision = NormalizePrecision(settings.Precision);
        NormalizeExecutionMode(settings.ExecutionMode);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InterOpThreads);

        SetCount(config, IntraOpThreadCount, settings.IntraOpThreads);
        SetCount(config, InterOpThreadCount, settings.InterOpThreads);
        if (NormalizeExecutionMode(settings.ExecutionMode) == OrtSettings.Parallel)
        {
            config.Parameters[ExecutionMode] = new ModelParameter { StringValue = "1" };
        }
        else
        {
            config.Parameters.Remove(ExecutionMode);
        }

        config.Optimization ??= new ModelOptimizationPolicy();
        config.Optimization.Graph = ToTritonGraphLevel(settings.GraphOptimizationLevel) is { } level
            ? new ModelOptimizationPolicy.Types.Graph { Level = level }
            : null;

        var accelerators = config.Optimization.ExecutionAccelerators ??= new ModelOptimizationPolicy.Types.ExecutionAccelerators();
        RemoveAccelerator(accelerators, TensorRtAcceleratorName);
        if (provider == OrtExecutionProviderNames.TensorRt)
        {
            var tensorRt = new ModelOptimizationPolicy.Types.ExecutionAccelerators.Types.Accelerator { Name = TensorRtAcceleratorName };
            tensorRt.Parameters[TensorRtPrecisionMode] = precision.ToUpperInvariant();
            tensorRt.Parameters[TensorRtMaxWorkspaceSizeBytes] = DefaultTensorRtWorkspaceBytes;
            accelerators.GpuExecutionAccelerator.Add(tensorRt);
        }

        if (accelerators.GpuExecutionAccelerator.Count == 0 && accelerators.CpuExecutionAccelerator.Count == 0)
        {
            config.Optimization.ExecutionAccelerators = null;
        }

        if (config.Optimization.Equals(new ModelOptimizationPolicy()))
        {
            config.Optimization = null;
        }

        // TensorRT precision lives in precision_mode; elsewhere the precision is the model file's own.
        if (precision != "fp32" && provider != OrtExecutionProviderNames.TensorRt)
        {
            config.Parameters[ModelPrecision] = new ModelParameter { StringValue = precision };
        }
        else
        {
            config.Parameters.Remove(ModelPrecision);
        }

        var kind = provider == OrtExecutionProviderNames.Cpu ? ModelInstanceGroup.Types.Kind.Cpu : ModelInstanceGroup.Types.Kind.Gpu;
        if (config.InstanceGroup.Count == 0)
        {
            config.InstanceGroup.Add(new ModelInstanceGroup { Count = 1, Kind = kind });
        }

        foreach (var group in config.InstanceGroup)
        {
            group.Kind = kind;
            if (kind == ModelInstanceGroup.Types.Kind.Cpu)
            {
                group.Gpus.Clear();
            }
        }

        return config;
    }

    /// <summary>The ORT settings a config asks for, read as Triton's onnxruntime backend reads them.</summary>
    public static OrtSettings Read(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var gpuAccelerators = config.Optimization?.ExecutionAccelerators?.GpuExecutionAccelerator;
        var tensorRt = gpuAccelerators?.FirstOrDefault(a => string.Equals(a.Name, TensorRtAcceleratorName, StringComparison.OrdinalIgnoreCase));
        bool onGpu = config.InstanceGroup.Any(g => g.Kind == ModelInstanceGroup.Types.Kind.Gpu);

        string provider = tensorRt is not null ? OrtExecutionProviderNames.TensorRt
            : onGpu ? OrtExecutionProviderNames.Cuda
            : OrtExecutionProviderNames.Cpu;

        string precision = "fp32";
        if (tensorRt is not null && tensorRt.Parameters.TryGetValue(TensorRtPrecisionMode, out var mode))
        {
            precision = NormalizePrecision(mode);
        }
        else if (config.Parameters.TryGetValue(ModelPrecision, out var recorded))
        {
            precision = NormalizePrecision(recorded.StringValue);
        }

        return new OrtSettings(
            ExecutionProvider: provider,
            Precision: precision,
            GraphOptimizationLevel: FromTritonGraphLevel(config.Optimization?.Graph?.Level),
            IntraOpThreads: ReadCount(config, IntraOpThreadCount),
            InterOpThreads: ReadCount(config, InterOpThreadCount),
            ExecutionMode: ReadExecutionMode(config));
    }

    /// <summary>ORT level (0, 1, 2, 99) → Triton's graph level; null means "leave out" (ALL, Triton's default).</summary>
    public static int? ToTritonGraphLevel(int ortLevel) => ortLevel switch
    {
        0 => 2,
        1 => -1,
        2 => 1,
        99 => null,
        _ => throw new ArgumentOutOfRangeException(nameof(ortLevel), ortLevel, "ORT graph optimization level must be 0, 1, 2 or 99"),
    };

    /// <summary>Triton's graph level → ORT level, exactly as the onnxruntime backend decides it.</summary>
    public static int FromTritonGraphLevel(int? tritonLevel) => tritonLevel switch
    {
        -1 => 1,
        1 => 2,
        2 => 0,
        _ => 99,
    };

    /// <summary>"FP16", "float16", "half" → "fp16"; "int8" → "int8"; "fp32"/"float" → "fp32".</summary>
    public static string NormalizePrecision(string? precision) => (precision ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "fp32" or "float" or "float32" => "fp32",
        "fp16" or "float16" or "half" or "mixed" => "fp16",
        "int8" => "int8",
        _ => throw new ArgumentException($"unknown precision '{precision}' (known: fp32, fp16, int8)", nameof(precision)),
    };

    /// <summary>"sequential"/"0" → "sequential"; "parallel"/"1" → "parallel"; empty → "sequential" (ORT's default).</summary>
    public static string NormalizeExecutionMode(string? mode) => (mode ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "sequential" or "0" or "ort_sequential" => OrtSettings.Sequential,
        "parallel" or "1" or "ort_parallel" => OrtSettings.Parallel,
        _ => throw new ArgumentException($"unknown execution mode '{mode}' (known: {OrtSettings.Sequential}, {OrtSettings.Parallel})", nameof(mode)),
    };

    private static string ReadExecutionMode(ModelConfig config)
    {
        if (!config.Parameters.TryGetValue(ExecutionMode, out var parameter))
        {
            return OrtSettings.Sequential;
        }

        try
        {
            return NormalizeExecutionMode(parameter.StringValue);
        }
        catch (ArgumentException)
        {
            throw new FormatException($"parameter '{ExecutionMode}' of model '{config.Name}' must be \"0\" (sequential) or \"1\" (parallel), got '{parameter.StringValue}'");
        }
    }

    private static void SetCount(ModelConfig config, string key, int value)
    {
        if (value > 0)
        {
            config.Parameters[key] = new ModelParameter { StringValue = value.ToString(CultureInfo.InvariantCulture) };
        }
        else
        {
            config.Parameters.Remove(key);
        }
    }

    private static int ReadCount(ModelConfig config, string key)
    {
        if (!config.Parameters.TryGetValue(key, out var parameter) || string.IsNullOrWhiteSpace(parameter.StringValue))
        {
            return 0;
        }

        return int.TryParse(parameter.StringValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0
            ? value
            : throw new FormatException($"parameter '{key}' of model '{config.Name}' must be a non-negative integer, got '{parameter.StringValue}'");
    }

    private static void RemoveAccelerator(ModelOptimizationPolicy.Types.ExecutionAccelerators accelerators, string name)
    {
        for (int i = accelerators.GpuExecutionAccelerator.Count - 1; i >= 0; i--)
        {
            if (string.Equals(accelerators.GpuExecutionAccelerator[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                accelerators.GpuExecutionAccelerator.RemoveAt(i);
            }
        }
    }
}

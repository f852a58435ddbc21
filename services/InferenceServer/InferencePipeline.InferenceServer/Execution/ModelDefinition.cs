using System.Diagnostics;
using Inference;
using InferencePipeline.InferenceServer.Scheduling;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// The parts of a loaded model's config that the request path reads, resolved once at load time so the
/// hot path does no lookups in the protobuf config.
/// </summary>
internal sealed class ModelDefinition
{
    private const ulong MaxQueueDelayCapMicroseconds = 86_400_000_000;

    /// <param name="loadNotes">What the load had to adapt, e.g. a GPU execution provider the config asks for that this
    /// machine lacks ("execution provider CUDA is not available (...); using CPU"); shown in the repository index.</param>
    /// <param name="serverMaxQueueSize">The server's queue limit for a model whose config sets no max_queue_size (0: none).</param>
    public ModelDefinition(string name, string version, ModelConfig config, IReadOnlyList<string>? loadNotes = null,
        int serverMaxQueueSize = InferenceServerOptions.DefaultMaxQueueSize)
    {
        Name = name;
        Version = version;
        Config = config;
        LoadNotes = loadNotes ?? [];
        MaxBatchSize = Math.Max(0, config.MaxBatchSize);
        Inputs = config.Input.Select(i => new ConfigTensor(i.Name, TensorDataType.FromConfig(i.DataType),
            TensorDataType.NameOf(i.DataType), i.Dims.ToArray())).ToArray();
        Outputs = config.Output.Select(o => new ConfigTensor(o.Name, TensorDataType.FromConfig(o.DataType),
            TensorDataType.NameOf(o.DataType), o.Dims.ToArray())).ToArray();
        InputNames = Inputs.Select(i => i.Name).ToArray();
        OutputNames = Outputs.Select(o => o.Name).ToArray();

        if (config.DynamicBatching is { } batching && MaxBatchSize > 0)
        {
            DynamicBatching = true;
            var preferred = batching.PreferredBatchSize.Where(p => p > 0 && p <= MaxBatchSize).ToArray();
            // Triton forms batches up to the largest preferred size; without preferences, up to the maximum.
            TargetBatchSize = preferred.Length > 0 ? preferred.Max() : MaxBatchSize;
            // Beyond a day a delay means "wait for a full batch"; capping it keeps the tick arithmetic from overflowing.
            MaxQueueDelayTicks = (long)(Math.Min(batching.MaxQueueDelayMicroseconds, MaxQueueDelayCapMicroseconds) * (Stopwatch.Frequency / 1_000_000.0));
        }
        else
        {
            TargetBatchSize = 1;
        }

        // As in Triton, the queue policy belongs to the dynamic batcher; without one only the server's limit applies.
        Queue = QueuePolicy.From(DynamicBatching ? config.DynamicBatching!.DefaultQueuePolicy : null, serverMaxQueueSize);
        OutputsNeedRaw = Outputs.Any(o => o.Type is null || o.Type == TensorDataType.Fp16 || o.Type == TensorDataType.Bf16);
        InstanceCount = Math.Max(1, config.InstanceGroup.Sum(g => g.Count > 0 ? g.Count : 1));
    }

    public string Name { get; }

    public IReadOnlyList<string> LoadNotes { get; }

    public string Version { get; }
    public ModelConfig Config { get; }
    public int MaxBatchSize { get; }
    public bool Batching => MaxBatchSize > 0;
    public bool DynamicBatching { get; }
    public int TargetBatchSize { get; }
    public long MaxQueueDelayTicks { get; }

    /// <summary>How the model's queue is bounded: its size limit and its requests' timeouts.</summary>
    public QueuePolicy Queue { get; }
    public int InstanceCount { get; }
    /// <summary>Some output has no typed contents field (FP16, BF16): responses then always use raw_output_contents.</summary>
    public bool OutputsNeedRaw { get; }
    public ConfigTensor[] Inputs { get; }
    public ConfigTensor[] Outputs { get; }
    public string[] InputNames { get; }
    public string[] OutputNames { get; }

    public int InputIndex(string name) => Array.IndexOf(InputNames, name);

    public int OutputIndex(string name) => Array.IndexOf(OutputNames, name);
}

using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.Benchmarks;

/// <summary>
/// A temporary Triton-layout repository with the two benchmark models: the demo BERT with dynamic batching
/// (one instance, so the server runs one batch at a time, like the in-process baseline) and the trivial
/// add-one model without batching. Deleted on dispose.
/// </summary>
public sealed class BenchmarkRepository : IDisposable
{
    public const string Bert = "bert_dynamic";
    public const string Trivial = "add";

    /// <summary>Identity models whose tensors are 64 B, 16 KiB and 1 MiB per request (FP32 widths), to see whether the
    /// server's allocations grow with the data it moves.</summary>
    public static IReadOnlyList<(string Model, int Width)> IdentitySizes { get; } =
        [("identity_64B", 16), ("identity_16KiB", 4096), ("identity_1MiB", 262144)];

    /// <summary>The slow-on-purpose model of the overload figure (ONNX Loop, tens of ms per execution whatever the batch).</summary>
    public const string Slow = "slow_add";

    /// <summary>Loop steps of <see cref="Slow"/>: about 60 ms per execution on a busy 2-core machine.</summary>
    public const int SlowIterations = 20_000;

    /// <summary>Largest batch <see cref="Slow"/> runs, and the queue its config allows (Triton's default_queue_policy).</summary>
    public const int SlowMaxBatch = 4;
    public const int SlowMaxQueueSize = 64;

    /// <summary>Largest batch the server may form; the load runs at concurrency 16, so 16 is all it can get.</summary>
    public const int BertMaxBatch = 16;

    private readonly string _directory;

    private BenchmarkRepository(string directory)
    {
        _directory = directory;
    }

    /// <summary>The model repository the server serves (the ONNX sources live beside it, not in it).</summary>
    public string Root => Path.Combine(_directory, "repository");

    /// <summary>The BERT ONNX file, also opened in process for the baseline.</summary>
    public string BertModelPath => Path.Combine(_directory, "source", "bert.onnx");

    public string TrivialModelPath => Path.Combine(_directory, "source", "add.onnx");

    public static async Task<BenchmarkRepository> CreateAsync()
    {
        var repository = new BenchmarkRepository(Path.Combine(Path.GetTempPath(), $"inferpipe-bench-{Guid.NewGuid():N}"));
        try
        {
            DemoModels.WriteBert(repository.BertModelPath);
            DemoModels.WriteAdd(repository.TrivialModelPath);

            var bertBaseline = DefaultModelConfig.Create(Bert, DemoModels.BertInputs(), DemoModels.BertOutputs(), BertMaxBatch);
            // Zero queue delay: the batcher takes what is queued when the instance frees up, which at
            // concurrency 16 with one instance is most of the other requests.
            var bert = ServingConfigVariants.With(bertBaseline, Bert, [BertMaxBatch], instanceCount: 1);
            await ModelRepositoryLayout.CreateEntryAsync(repository.Root, Bert, repository.BertModelPath, bert);

            var trivial = DefaultModelConfig.Create(Trivial, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize: 8);
            await ModelRepositoryLayout.CreateEntryAsync(repository.Root, Trivial, repository.TrivialModelPath, trivial);

            var slowSource = Path.Combine(repository._directory, "source", "slow_add.onnx");
            DemoModels.WriteSlowAdd(slowSource, SlowIterations);
            var slow = DefaultModelConfig.Create(Slow, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize: SlowMaxBatch);
            slow.DynamicBatching = new ModelDynamicBatching
            {
                PreferredBatchSize = { SlowMaxBatch },
                DefaultQueuePolicy = new ModelQueuePolicy { MaxQueueSize = SlowMaxQueueSize },
            };
            await ModelRepositoryLayout.CreateEntryAsync(repository.Root, Slow, slowSource, slow);

            foreach (var (model, width) in IdentitySizes)
            {
                var source = Path.Combine(repository._directory, "source", $"{model}.onnx");
                DemoModels.WriteIdentity(source, width);
                var tensor = new[] { new InferencePipeline.Contracts.TensorSpec(DemoModels.TrivialInputName, "FP32", [-1, width]) };
                var output = new[] { new InferencePipeline.Contracts.TensorSpec(DemoModels.TrivialOutputName, "FP32", [-1, width]) };
                var config = DefaultModelConfig.Create(model, tensor, output, maxBatchSize: 8);
                await ModelRepositoryLayout.CreateEntryAsync(repository.Root, model, source, config);
            }
            return repository;
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A native session may still map a file; a leftover temp dir is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

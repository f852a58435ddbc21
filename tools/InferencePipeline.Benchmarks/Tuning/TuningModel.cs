using InferencePipeline.Cli.Composition;
using InferencePipeline.Contracts;
using InferencePipeline.PretrainedModels;

namespace InferencePipeline.Benchmarks.Tuning;

/// <summary>
/// A real pretrained model the tuning figures run on: its file, its inputs with the sizes measured at, real input data
/// when there is some, and the goal the ORT tuning alone and the whole pipeline are held to (null: reported only).
/// </summary>
public sealed record TuningModel(
    string Name, string Description, string ModelPath, IReadOnlyList<TensorSpec> Inputs, string? InputDataPath, double? TuningGoal, double? PipelineGoal)
{
    public const string MiniLm = "minilm";
    public const string ResNet18 = "resnet18";

    public static IReadOnlyList<string> All { get; } = [MiniLm, ResNet18];

    public static TuningModel Prepare(string name, string work) => name switch
    {
        // The transformer of the goals: the demo's model, with the demo's sentences as real inputs.
        MiniLm => DemoModel.Prepare(DemoModel.MiniLm, work) is { } demo
            ? new TuningModel(MiniLm, demo.Description, demo.ModelPath, demo.Inputs, demo.InputDataPath, TuningGoal: 1.5, PipelineGoal: 2)
            : throw new InvalidOperationException("MiniLM could not be prepared"),
        // The CNN: fixed batch 1, no weight MatMul for int8 to take; generated pseudo-images.
        ResNet18 => new TuningModel(ResNet18, $"ResNet18 (ImageNet CNN from NuGet {ResNet18Model.Package}), input {ResNet18Model.InputName} [1, 3, 224, 224]",
            ResNet18Model.Locate(), [new TensorSpec(ResNet18Model.InputName, "FP32", ResNet18Model.InputShape.ToArray())], null, null, null),
        _ => throw new ArgumentException($"unknown model '{name}' (known: {string.Join(", ", All)})"),
    };
}

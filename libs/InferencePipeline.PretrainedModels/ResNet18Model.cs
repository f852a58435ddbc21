namespace InferencePipeline.PretrainedModels;

/// <summary>
/// ResNet18 (ImageNet), the CNN that the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (MIT)
/// ships as a plain ONNX file. Input <c>Input247</c> FP32 [1, 3, 224, 224] — the batch is fixed at 1.
/// </summary>
public static class ResNet18Model
{
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0";
    public const string FileName = "ResNet18.onnx";
    public const long Length = 63_653_533;
    public const string Sha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";
    public const string InputName = "Input247";
    public static IReadOnlyList<long> InputShape { get; } = [1, 3, 224, 224];

    /// <summary>Path of the model file the build copied next to the application.</summary>
    public static string Locate() => PackagedModelFiles.RequireCopied(FileName, Length, Package);
}

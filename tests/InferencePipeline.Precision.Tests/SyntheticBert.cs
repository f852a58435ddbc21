using InferencePipeline.Onnx;
using InferencePipeline.Onnx.Precision;
using Onnx;

namespace InferencePipeline.Precision.Tests;

/// <summary>The demo BERT (random weights, seed's interface) written once per test class, with fixed random inputs for the gate.</summary>
public sealed class SyntheticBert : IDisposable
{
    private readonly TestDirectory _dir = new();

    public SyntheticBert()
    {
        Path = _dir.File("bert.onnx");
        DemoModels.WriteBert(Path, Shape);
        Inputs = Enumerable.Range(0, 4).Select(seed => InputFactory.CreateRaw(DemoModels.BertInputs(Shape), 1, seed)).ToList();
    }

    /// <summary>Sequence 64 keeps the tests fast; the layers are the demo's.</summary>
    public static BertShape Shape { get; } = new(SequenceLength: 64);

    public string Path { get; }

    public ModelProto Model => OnnxModelFile.Load(Path);

    public IReadOnlyList<IReadOnlyList<RawInputTensor>> Inputs { get; }

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}

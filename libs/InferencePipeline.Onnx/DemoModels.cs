using Google.Protobuf;
using InferencePipeline.Contracts;
using InferencePipeline.Onnx.Graph;
using Onnx;

namespace InferencePipeline.Onnx;

/// <summary>
/// Test and demo models written from C# (never downloaded): a small BERT with the seed's interface, and two
/// trivial models (add-one, identity, string identity) for server and load-generator tests where the model must cost nothing.
/// Every file is deterministic: the same arguments give the same bytes.
/// </summary>
public static class DemoModels
{
    public const string ProducerName = "InferencePipeline.DemoModels";
    public const string ProducerVersion = "1";

    /// <summary>Seed of the BERT weights; fixed so every run, test and machine sees the same model.</summary>
    public const ulong BertSeed = 20211;

    /// <summary>The seed's BERT inputs: <c>input_names</c>, <c>input_mask</c>, <c>segment_ids</c>, INT64 [-1, seq].</summary>
    public static IReadOnlyList<TensorSpec> BertInputs(BertShape? shape = null)
    {
        long s = (shape ?? BertShape.Default).SequenceLength;
        return [new("input_names", "INT64", [-1, s]), new("input_mask", "INT64", [-1, s]), new("segment_ids", "INT64", [-1, s])];
    }

    /// <summary>The seed's BERT outputs: <c>start</c>, <c>end</c>, FP32 [-1, seq].</summary>
    public static IReadOnlyList<TensorSpec> BertOutputs(BertShape? shape = null)
    {
        long s = (shape ?? BertShape.Default).SequenceLength;
        return [new("start", "FP32", [-1, s]), new("end", "FP32", [-1, s])];
    }

    public const string TrivialInputName = "INPUT0";
    public const string TrivialOutputName = "OUTPUT0";
    public const int TrivialWidth = 16;

    /// <summary>Interface of <see cref="WriteAdd"/> and <see cref="WriteIdentity"/>: FP32 [-1, 16] in and out.</summary>
    public static IReadOnlyList<TensorSpec> TrivialInputs { get; } = [new(TrivialInputName, "FP32", [-1, TrivialWidth])];

    public static IReadOnlyList<TensorSpec> TrivialOutputs { get; } = [new(TrivialOutputName, "FP32", [-1, TrivialWidth])];

    /// <summary>Writes the demo BERT (opset 17, deterministic weights) to <paramref name="path"/>.</summary>
    public static void WriteBert(string path, BertShape? shape = null) =>
        Write(path, BertGraph.Build(shape ?? BertShape.Default, BertSeed));

    /// <summary>Writes <c>OUTPUT0 = INPUT0 + 1</c>, FP32 [-1, 16] with a dynamic batch dim.</summary>
    public static void WriteAdd(string path)
    {
        var g = new OnnxGraphBuilder("demo_add");
        g.Input(TrivialInputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        g.NodeNamed(TrivialOutputName, "Add", [TrivialInputName, g.Scalar("one", 1f)]);
        g.Output(TrivialOutputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    /// <summary>
    /// Writes <c>OUTPUT0 = INPUT0 + addend</c>, FP32 [-1, 16]: same interface as <see cref="WriteAdd"/>, different
    /// answers, so versions of one model (or a reload) can be told apart by their outputs.
    /// </summary>
    public static void WriteAddConstant(string path, float addend)
    {
        var g = new OnnxGraphBuilder("demo_add_constant");
        g.Input(TrivialInputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        g.NodeNamed(TrivialOutputName, "Add", [TrivialInputName, g.Scalar("addend", addend)]);
        g.Output(TrivialOutputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    /// <summary>Writes <c>OUTPUT0 = INPUT0</c>, FP32 [-1, 16] with a dynamic batch dim.</summary>
    public static void WriteIdentity(string path) => WriteIdentity(path, TrivialWidth);

    /// <summary>Writes <c>OUTPUT0 = INPUT0</c>, FP32 [-1, <paramref name="width"/>]: a model whose cost is only its
    /// tensors' size, for measuring what a server does per byte.</summary>
    public static void WriteIdentity(string path, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var g = new OnnxGraphBuilder("demo_identity");
        g.Input(TrivialInputName, TensorProto.Types.DataType.Float, "batch", width);
        g.NodeNamed(TrivialOutputName, "Identity", [TrivialInputName]);
        g.Output(TrivialOutputName, TensorProto.Types.DataType.Float, "batch", width);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    public const string TextInputName = "TEXT";
    public const string TextOutputName = "TEXT_OUT";
    public const int TextWidth = 2;

    /// <summary>Interface of <see cref="WriteStringIdentity"/>: BYTES (ONNX string) [-1, 2] in and out.</summary>
    public static IReadOnlyList<TensorSpec> TextInputs { get; } = [new(TextInputName, "BYTES", [-1, TextWidth])];

    public static IReadOnlyList<TensorSpec> TextOutputs { get; } = [new(TextOutputName, "BYTES", [-1, TextWidth])];

    /// <summary>Interface of <see cref="WriteStringAndAdd"/>: a string and a float input, a string and a float output.</summary>
    public static IReadOnlyList<TensorSpec> MixedInputs { get; } = [TextInputs[0], TrivialInputs[0]];

    public static IReadOnlyList<TensorSpec> MixedOutputs { get; } = [TextOutputs[0], TrivialOutputs[0]];

    /// <summary>
    /// Writes <c>TEXT_OUT = TEXT</c> on string tensors [-1, 2]: the smallest model with Triton's BYTES datatype
    /// (ONNX Identity accepts tensor(string)), so every byte sent must come back unchanged.
    /// </summary>
    public static void WriteStringIdentity(string path)
    {
        var g = new OnnxGraphBuilder("demo_string_identity");
        g.Input(TextInputName, TensorProto.Types.DataType.String, "batch", TextWidth);
        g.NodeNamed(TextOutputName, "Identity", [TextInputName]);
        g.Output(TextOutputName, TensorProto.Types.DataType.String, "batch", TextWidth);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    /// <summary>
    /// Writes <c>TEXT_OUT = TEXT</c> (string [-1, 2]) next to <c>OUTPUT0 = INPUT0 + 1</c> (FP32 [-1, 16]) in one
    /// graph, so requests mixing BYTES and numeric tensors (and their batching) are covered.
    /// </summary>
    public static void WriteStringAndAdd(string path)
    {
        var g = new OnnxGraphBuilder("demo_string_and_add");
        g.Input(TextInputName, TensorProto.Types.DataType.String, "batch", TextWidth);
        g.Input(TrivialInputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        g.NodeNamed(TextOutputName, "Identity", [TextInputName]);
        g.NodeNamed(TrivialOutputName, "Add", [TrivialInputName, g.Scalar("one", 1f)]);
        g.Output(TextOutputName, TensorProto.Types.DataType.String, "batch", TextWidth);
        g.Output(TrivialOutputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    /// <summary>
    /// Writes <c>OUTPUT0 = INPUT0 + 1</c> computed in fp16 behind fp32 inputs and outputs (Cast → Add → Cast), the
    /// way fp16 converters keep the interface. It exists to test the guards for fp16 models (ORT_ENABLE_ALL
    /// crashes ORT on them on CPU).
    /// </summary>
    public static void WriteAddHalf(string path)
    {
        var g = new OnnxGraphBuilder("demo_add_fp16");
        g.Input(TrivialInputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        string half = g.Node("Cast", [TrivialInputName], OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Float16));
        string sum = g.Add(half, g.HalfInitializer("one", [1f]));
        g.NodeNamed(TrivialOutputName, "Cast", [sum], OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Float));
        g.Output(TrivialOutputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    /// <summary>
    /// Writes <c>OUTPUT0 = INPUT0 + iterations</c>, FP32 [-1, 16], computed as <paramref name="iterations"/> additions of 1
    /// in an ONNX Loop: a model that is slow on purpose (each execution costs that many loop steps whatever its batch),
    /// so tests and benchmarks can load a server far beyond its capacity without a large model file.
    /// </summary>
    public static void WriteSlowAdd(string path, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        var body = new OnnxGraphBuilder("slow_add_step");
        body.Input("iteration", TensorProto.Types.DataType.Int64);
        body.Input("condition_in", TensorProto.Types.DataType.Bool);
        body.Input("sum_in", TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        body.NodeNamed("condition_out", "Identity", ["condition_in"]);
        body.NodeNamed("sum_out", "Add", ["sum_in", "one"]);
        body.Output("condition_out", TensorProto.Types.DataType.Bool);
        body.Output("sum_out", TensorProto.Types.DataType.Float, "batch", TrivialWidth);

        var g = new OnnxGraphBuilder("demo_slow_add");
        g.Input(TrivialInputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        // The body reads "one" from this outer graph, as ONNX subgraphs may.
        g.Scalar("one", 1f);
        var steps = g.Initializer("steps", [(long)iterations]);
        g.NodeNamed(TrivialOutputName, "Loop", [steps, "", TrivialInputName], OnnxGraphBuilder.Graph("body", body));
        g.Output(TrivialOutputName, TensorProto.Types.DataType.Float, "batch", TrivialWidth);
        Write(path, g.ToModel(BertGraph.Opset, ProducerName, ProducerVersion));
    }

    /// <summary>Writes via a temp file and a rename so a reader never sees a partial model.</summary>
    private static void Write(string path, ModelProto model)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, model.ToByteArray());
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.ModelRepository;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// The accuracy gate bound to one reference: runs the fp32 model once (at ONNX Runtime's defaults) on each input
/// set — e.g. one tokenized sentence each, at the batch size that will be served — and judges any candidate model
/// against those outputs with <see cref="AccuracyGate"/>. Candidates given as protos are written to a private temp
/// folder, removed on <see cref="Dispose"/>. When the model takes an attention mask (a 2-D integer input whose name
/// contains "mask"), outputs per sequence position are compared at unmasked positions only.
/// <para>Candidates open in this process through <see cref="OrtSessionFactory"/> (which keeps fp16 models off
/// ORT_ENABLE_ALL); a caller trying models that may crash ONNX Runtime should run the evaluation in a child process.</para>
/// </summary>
public sealed class ReferenceAccuracyEvaluator : IDisposable
{
    private readonly IReadOnlyList<IReadOnlyList<RawInputTensor>> _inputs;
    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), $"inferpipe-accuracy-{Guid.NewGuid():N}");
    private int _candidates;

    public ReferenceAccuracyEvaluator(
        string referenceModelPath, IReadOnlyList<IReadOnlyList<RawInputTensor>> inputs, AccuracyCriteria? criteria = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("the accuracy gate needs at least one input set", nameof(inputs));
        }

        _inputs = inputs;
        Criteria = criteria ?? AccuracyCriteria.Default;
        Criteria.Validate();
        (ReferenceOutputs, Layouts) = RunAll(referenceModelPath, OrtSettings.Default);
        var masks = inputs.Select(SequenceMask).ToList();
        SequenceMasks = masks.All(m => m is not null) ? masks.Select(m => m!).ToList() : null;
    }

    /// <summary>Per input set, which [batch × sequence] positions are real tokens; null when the model has no attention mask.</summary>
    public IReadOnlyList<bool[]>? SequenceMasks { get; }

    public AccuracyCriteria Criteria { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, float[]>> ReferenceOutputs { get; }

    public IReadOnlyDictionary<string, OutputLayout> Layouts { get; }

    public AccuracyVerdict Evaluate(string candidateModelPath, OrtSettings? settings = null)
    {
        var (outputs, _) = RunAll(candidateModelPath, settings ?? OrtSettings.Default);
        return AccuracyGate.Evaluate(ReferenceOutputs, outputs, Layouts, Criteria, SequenceMasks);
    }

    public AccuracyVerdict Evaluate(ModelProto candidate, OrtSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        string path = Path.Combine(_workDirectory, $"candidate-{Interlocked.Increment(ref _candidates)}.onnx");
        OnnxModelFile.Save(candidate, path);
        try
        {
            return Evaluate(path, settings);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The outputs of <paramref name="modelPath"/> on every input set, as floats, with their layouts.</summary>
    public (IReadOnlyList<IReadOnlyDictionary<string, float[]>> Outputs, IReadOnlyDictionary<string, OutputLayout> Layouts) RunAll(
        string modelPath, OrtSettings settings)
    {
        using var session = OrtSessionFactory.Create(modelPath, settings);
        var outputs = new List<IReadOnlyDictionary<string, float[]>>(_inputs.Count);
        var layouts = new Dictionary<string, OutputLayout>(StringComparer.Ordinal);
        foreach (var set in _inputs)
        {
            using var results = session.Run(set.Select(t => t.ToNamedOnnxValue()).ToList());
            outputs.Add(OnnxOutputs.ToFloatArrays(results));
            long[]? maskShape = SequenceMaskInput(set)?.Shape;
            foreach (var result in results)
            {
                layouts.TryAdd(result.Name, Layout(result, maskShape));
            }
        }

        return (outputs, layouts);
    }

    private static RawInputTensor? SequenceMaskInput(IReadOnlyList<RawInputTensor> set) =>
        set.FirstOrDefault(t => t.Shape.Length == 2 && t.Name.Contains("mask", StringComparison.OrdinalIgnoreCase)
            && t.DataType is "INT64" or "INT32" or "BOOL");

    private static bool[]? SequenceMask(IReadOnlyList<RawInputTensor> set)
    {
        if (SequenceMaskInput(set) is not { } mask)
        {
            return null;
        }

        int size = TensorDataType.Parse(mask.DataType).ElementSize;
        var result = new bool[mask.ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = mask.Data.AsSpan(i * size, size).IndexOfAnyExcept((byte)0) >= 0;
        }

        return result;
    }

    private static OutputLayout Layout(DisposableNamedOnnxValue value, long[]? maskShape)
    {
        var (dimensions, isFloat) = value.Value switch
        {
            Tensor<float> t => (t.Dimensions.ToArray(), true),
            Tensor<Float16> t => (t.Dimensions.ToArray(), true),
            Tensor<double> t => (t.Dimensions.ToArray(), true),
            Tensor<long> t => (t.Dimensions.ToArray(), false),
            Tensor<int> t => (t.Dimensions.ToArray(), false),
            Tensor<bool> t => (t.Dimensions.ToArray(), false),
            var other => throw new NotSupportedException($"output '{value.Name}' of type {other?.GetType().Name ?? "null"} cannot be judged for accuracy"),
        };
        bool followsMask = maskShape is not null && dimensions.Length >= 3 && dimensions[0] == maskShape[0] && dimensions[1] == maskShape[1];
        // Trailing axes of size 1 (a CNN's pooled [batch, 512, 1, 1] features) do not make each value its own vector.
        int last = dimensions.Length - 1;
        while (last > 1 && dimensions[last] == 1)
        {
            last--;
        }

        int vector = last < 0 ? 1 : dimensions[last..].Aggregate(1, (a, d) => a * Math.Max(1, d));
        return new OutputLayout(vector, isFloat, followsMask);
    }

    public void Dispose()
    {
        if (Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
    }
}

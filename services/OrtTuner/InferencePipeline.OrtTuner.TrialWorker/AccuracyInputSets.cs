using Inference;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;

namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// The inputs a tuner judges accuracy (and calibrates int8) on: one batch-1 request per set. From real input data
/// (perf_analyzer JSON, one set per step, encoded exactly as the load generator encodes them) or generated
/// (<see cref="InputFactory"/>, reproducible). Written back as perf_analyzer JSON, they are what an isolated trial
/// reads, so a child process runs the very same bytes.
/// </summary>
public static class AccuracyInputSets
{
    /// <summary>The first <paramref name="max"/> steps of <paramref name="data"/>, each as one batch-1 request for <paramref name="inputs"/>.</summary>
    /// <exception cref="InputDataException">The data does not fit the inputs (names, shapes, values).</exception>
    public static IReadOnlyList<IReadOnlyList<RawInputTensor>> FromInputData(
        PerfAnalyzerInputData data, IReadOnlyList<TensorSpec> inputs, int max = int.MaxValue, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var metadata = inputs.Select(spec => new ModelMetadataResponse.Types.TensorMetadata
        {
            Name = spec.Name,
            Datatype = TensorDataType.FromAnySpelling(spec.DataType)?.Name ?? spec.DataType,
            Shape = { spec.Shape },
        }).ToArray();
        bool batches = inputs.Count > 0 && inputs.All(spec => spec.Shape.Count > 0 && spec.Shape[0] < 0);
        var requests = InputDataRequestBuilder.Build(modelName, "", metadata, batches, 1, data, shapes: null);
        return requests.Take(max)
            .Select(request => (IReadOnlyList<RawInputTensor>)request.Inputs
                .Select((tensor, i) => new RawInputTensor(tensor.Name, tensor.Datatype, tensor.Shape.ToArray(), request.RawInputContents[i].ToByteArray()))
                .ToList())
            .ToList();
    }

    /// <summary><paramref name="count"/> generated batch-1 requests (seeded, so every run and process makes the same).</summary>
    public static IReadOnlyList<IReadOnlyList<RawInputTensor>> Generated(IReadOnlyList<TensorSpec> inputs, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Enumerable.Range(0, count).Select(i => InputFactory.CreateRaw(inputs, batchSize: 1, seed: 7 + i)).ToList();
    }

    /// <summary>Writes the sets as perf_analyzer JSON (base64 with shapes; the batch dimension left out when the model batches).</summary>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<RawInputTensor>> sets, IReadOnlyList<TensorSpec> inputs)
    {
        bool batches = inputs.Count > 0 && inputs.All(spec => spec.Shape.Count > 0 && spec.Shape[0] < 0);
        PerfAnalyzerInputDataWriter.Write(path, sets.Select(set => (IReadOnlyList<InputDataTensor>)set
            .Select(t => new InputDataTensor(t.Name, batches ? t.Shape[1..] : t.Shape, null, t.Data))
            .ToList()));
    }
}

using Google.Protobuf;
using Inference;
using InferencePipeline.KServe;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Builds one KServe request per step of <see cref="PerfAnalyzerInputData"/>, once, before any load:
/// shapes resolved like perf_analyzer (a step's "shape" first, then the shapes override, then the model's
/// fixed dims), values encoded for the model's datatypes, batch b made of b consecutive steps.
/// </summary>
public static class InputDataRequestBuilder
{
    public static IReadOnlyList<ModelInferRequest> Build(
        string modelName,
        string modelVersion,
        IReadOnlyList<ModelMetadataResponse.Types.TensorMetadata> inputs,
        bool hasBatchDimension,
        int batchSize,
        PerfAnalyzerInputData data,
        IReadOnlyDictionary<string, long[]>? shapes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(data);
        if (inputs.Count == 0)
        {
            throw new LoadGenException($"Model '{modelName}' declares no inputs.");
        }

        var known = inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var step in data.Steps)
        {
            var unknown = step.Tensors.Keys.FirstOrDefault(n => !known.Contains(n));
            if (unknown is not null)
            {
                throw new InputDataException(
                    $"Step {step.Index} gives input '{unknown}', which model '{modelName}' does not have (inputs: {string.Join(", ", known)}).",
                    step.Index, unknown);
            }
        }

        // Encode each (step, input) once; batched requests reuse the encoded samples.
        var samples = new (long[] Shape, byte[] Bytes)[data.Steps.Count][];
        for (var s = 0; s < data.Steps.Count; s++)
        {
            var step = data.Steps[s];
            samples[s] = new (long[], byte[])[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                if (!step.Tensors.TryGetValue(input.Name, out var tensor))
                {
                    throw new InputDataException(
                        $"Step {step.Index} has no data for input '{input.Name}'; every step must give every input of model '{modelName}'.",
                        step.Index, input.Name);
                }

                var overrides = tensor.Shape is { } own ? new Dictionary<string, long[]> { [input.Name] = own } : shapes;
                long[] shape;
                try
                {
                    shape = InputShapeResolver.Resolve(input.Name, input.Shape, hasBatchDimension, 1, overrides);
                }
                catch (ArgumentException ex)
                {
                    throw new InputDataException($"Step {step.Index}: {ex.Message}", step.Index, input.Name, ex);
                }

                var elements = TensorDataFactory.ElementCount(input.Name, shape);
                samples[s][i] = (shape, InputDataEncoder.Encode(tensor, input.Datatype, elements, step.Index));
            }
        }

        var requests = new ModelInferRequest[data.Steps.Count];
        for (var r = 0; r < requests.Length; r++)
        {
            var request = new ModelInferRequest { ModelName = modelName, ModelVersion = modelVersion ?? "" };
            for (var i = 0; i < inputs.Count; i++)
            {
                var first = samples[r][i];
                var tensor = new ModelInferRequest.Types.InferInputTensor { Name = inputs[i].Name, Datatype = TensorDataType.FromAnySpelling(inputs[i].Datatype)?.Name ?? inputs[i].Datatype };
                if (!hasBatchDimension)
                {
                    tensor.Shape.AddRange(first.Shape);
                    request.Inputs.Add(tensor);
                    request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(first.Bytes));
                    continue;
                }

                // Batch dimension: concatenate b consecutive samples, which must agree on their per-sample shape.
                var bytes = new MemoryStream();
                for (var b = 0; b < batchSize; b++)
                {
                    var s = (r + b) % samples.Length;
                    var sample = samples[s][i];
                    if (!sample.Shape.AsSpan(1).SequenceEqual(first.Shape.AsSpan(1)))
                    {
                        throw new InputDataException(
                            $"Input '{inputs[i].Name}': step {data.Steps[s].Index} has shape [{string.Join(", ", sample.Shape.Skip(1))}] but step " +
                            $"{data.Steps[r].Index} has [{string.Join(", ", first.Shape.Skip(1))}]; steps batched together need one shape.",
                            data.Steps[s].Index, inputs[i].Name);
                    }

                    bytes.Write(sample.Bytes);
                }

                tensor.Shape.Add(batchSize);
                tensor.Shape.AddRange(first.Shape.Skip(1));
                request.Inputs.Add(tensor);
                request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(bytes.ToArray()));
            }

            requests[r] = request;
        }

        return requests;
    }
}

using System.Buffers;
using Google.Protobuf.Collections;
using Inference;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// Checks a ModelInferRequest against the model's config (names, datatypes, shapes, batch size, byte sizes)
/// and fills an <see cref="InferenceJob"/> with its input bytes. Every refusal names the tensor, what the
/// model expects and what the request sent, the way Triton's messages do.
/// </summary>
internal static class RequestDecoder
{
    public static void Decode(ModelDefinition model, ModelInferRequest request, long maxRequestBytes, InferenceJob job)
    {
        job.Request = request;
        var inputs = request.Inputs;
        var useRaw = request.RawInputContents.Count > 0;
        if (useRaw && request.RawInputContents.Count != inputs.Count)
        {
            throw InferenceException.Invalid(
                $"expected {inputs.Count} raw_input_contents (one per input) but got {request.RawInputContents.Count} for model '{model.Name}'");
        }
        if (inputs.Count != model.Inputs.Length)
        {
            throw InferenceException.Invalid(
                $"expected {model.Inputs.Length} inputs but got {inputs.Count} inputs for model '{model.Name}'" +
                MissingInputs(model, inputs));
        }

        long totalBytes = 0;
        var batchSize = -1;
        for (var r = 0; r < inputs.Count; r++)
        {
            var input = inputs[r];
            var index = model.InputIndex(input.Name);
            if (index < 0)
            {
                throw InferenceException.Invalid(
                    $"unexpected inference input '{input.Name}' for model '{model.Name}', expected one of: {string.Join(", ", model.InputNames.Select(n => $"'{n}'"))}");
            }
            if (job.InputShapes[index] is not null)
            {
                throw InferenceException.Invalid($"input '{input.Name}' is given more than once for model '{model.Name}'");
            }
            var spec = model.Inputs[index];
            if (!string.Equals(input.Datatype, spec.DataTypeName, StringComparison.Ordinal))
            {
                throw InferenceException.Invalid(
                    $"inference input '{input.Name}' data-type is '{input.Datatype}', but model '{model.Name}' expects '{spec.DataTypeName}'");
            }
            var type = spec.Type ?? throw new InferenceException(Grpc.Core.StatusCode.Unimplemented,
                $"input '{input.Name}' of model '{model.Name}' has datatype {spec.DataTypeName}, which this server does not run");

            var rows = CheckShape(model, spec, input.Shape);
            if (batchSize >= 0 && rows != batchSize)
            {
                throw InferenceException.Invalid(
                    $"input '{input.Name}' has batch size {rows} but other inputs of the request have {batchSize} for model '{model.Name}'");
            }
            batchSize = rows;

            var elements = ElementCount(model, input);
            job.InputShapes[index] = input.Shape;
            if (type.IsBytes)
            {
                // Variable-length elements: the size is the data's own, known only once it is read.
                job.InputData[index] = useRaw
                    ? ReadRawBytes(model, input, request.RawInputContents[r], elements, ref totalBytes, maxRequestBytes)
                    : ReadTypedBytes(model, input, elements, job, index, ref totalBytes, maxRequestBytes);
                continue;
            }

            if (elements > maxRequestBytes / type.ElementSize)
            {
                // Before multiplying: elements times the element size can pass 64 bits too.
                throw new InferenceException(Grpc.Core.StatusCode.ResourceExhausted,
                    $"input '{input.Name}' of model '{model.Name}' with shape {ConfigTensor.Format(input.Shape)} {type.Name} needs more than the server's MaxRequestBytes ({maxRequestBytes} bytes)");
            }
            var bytes = elements * type.ElementSize;
            totalBytes += bytes;
            CheckTotal(model, input, totalBytes, bytes, maxRequestBytes);

            if (useRaw)
            {
                var raw = request.RawInputContents[r];
                if (raw.Length != bytes)
                {
                    throw InferenceException.Invalid(
                        $"input '{input.Name}' of model '{model.Name}' has {raw.Length} bytes of raw data, expected {bytes} for shape {ConfigTensor.Format(input.Shape)} {type.Name}");
                }
                job.InputData[index] = raw.Memory;
            }
            else
            {
                job.InputData[index] = ReadTyped(model, input, type, elements, (int)bytes, job, index);
            }
        }

        job.BatchSize = model.Batching ? batchSize : 1;
        job.RawOutput = useRaw || inputs.Count == 0;
        SelectOutputs(model, request.Outputs, job);
    }

    private static void CheckTotal(ModelDefinition model, ModelInferRequest.Types.InferInputTensor input, long totalBytes,
        long bytes, long maxRequestBytes)
    {
        if (totalBytes > maxRequestBytes)
        {
            throw new InferenceException(Grpc.Core.StatusCode.ResourceExhausted,
                $"request for model '{model.Name}' needs more than {maxRequestBytes} bytes of input (the server's MaxRequestBytes); input '{input.Name}' alone is {bytes} bytes");
        }
    }

    /// <summary>Raw BYTES are used as sent (already Triton's serialization) once their element count matches the shape.</summary>
    private static ReadOnlyMemory<byte> ReadRawBytes(ModelDefinition model, ModelInferRequest.Types.InferInputTensor input,
        Google.Protobuf.ByteString raw, long elements, ref long totalBytes, long maxRequestBytes)
    {
        totalBytes += raw.Length;
        CheckTotal(model, input, totalBytes, raw.Length, maxRequestBytes);
        var count = BytesSerialization.CountElements(raw.Span, input.Name, model.Name);
        if (count != elements)
        {
            throw InferenceException.Invalid(
                $"input '{input.Name}' of model '{model.Name}' has {count} BYTES elements in raw data, expected {elements} for shape {ConfigTensor.Format(input.Shape)}");
        }
        return raw.Memory;
    }

    /// <summary>Typed bytes_contents are serialized into a rented buffer, so batching sees one form for BYTES.</summary>
    private static ReadOnlyMemory<byte> ReadTypedBytes(ModelDefinition model, ModelInferRequest.Types.InferInputTensor input,
        long elements, InferenceJob job, int index, ref long totalBytes, long maxRequestBytes)
    {
        var contents = input.Contents ?? throw InferenceException.Invalid(
            $"input '{input.Name}' of model '{model.Name}' has neither contents nor raw_input_contents");
        var values = contents.BytesContents;
        if (values.Count != elements)
        {
            throw InferenceException.Invalid(
                $"input '{input.Name}' of model '{model.Name}' has {values.Count} elements in bytes_contents, expected {elements} for shape {ConfigTensor.Format(input.Shape)}");
        }
        var size = BytesSerialization.SizeOf(values);
        totalBytes += size;
        CheckTotal(model, input, totalBytes, size, maxRequestBytes);
        if (size > Array.MaxLength)
        {
            throw new InferenceException(Grpc.Core.StatusCode.ResourceExhausted,
                $"input '{input.Name}' of model '{model.Name}' holds {size} bytes, more than one buffer can");
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max((int)size, 1));
        job.RentedBuffers[index] = buffer;
        BytesSerialization.Write(values, buffer.AsSpan(0, (int)size));
        return buffer.AsMemory(0, (int)size);
    }

    private static ReadOnlyMemory<byte> ReadTyped(ModelDefinition model, ModelInferRequest.Types.InferInputTensor input,
        TensorDataType type, long elements, int bytes, InferenceJob job, int index)
    {
        var contents = input.Contents ?? throw InferenceException.Invalid(
            $"input '{input.Name}' of model '{model.Name}' has neither contents nor raw_input_contents");
        var count = TypedContents.Count(contents, type);
        if (count < 0)
        {
            throw InferenceException.Invalid(
                $"input '{input.Name}' of model '{model.Name}' is {type.Name}, which has no typed contents field: send it in raw_input_contents");
        }
        if (count != elements)
        {
            throw InferenceException.Invalid(
                $"input '{input.Name}' of model '{model.Name}' has {count} elements in contents, expected {elements} for shape {ConfigTensor.Format(input.Shape)}");
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, 1));
        job.RentedBuffers[index] = buffer;
        TypedContents.Read(contents, type, buffer.AsSpan(0, bytes));
        return buffer.AsMemory(0, bytes);
    }

    /// <summary>Checks the request shape against config dims (-1 matches anything) and returns its batch size.</summary>
    private static int CheckShape(ModelDefinition model, ConfigTensor spec, RepeatedField<long> shape)
    {
        var offset = model.Batching ? 1 : 0;
        var matches = shape.Count == spec.Dims.Length + offset;
        for (var d = 0; matches && d < spec.Dims.Length; d++)
        {
            var got = shape[d + offset];
            matches = got >= 0 && (spec.Dims[d] == -1 || spec.Dims[d] == got);
        }
        if (!matches || (model.Batching && shape[0] < 1))
        {
            throw InferenceException.Invalid(
                $"unexpected shape for input '{spec.Name}' for model '{model.Name}'. Expected {ConfigTensor.Format(spec.MetadataShape(model.Batching))}, got {ConfigTensor.Format(shape)}");
        }
        if (!model.Batching)
        {
            return 1;
        }
        if (shape[0] > model.MaxBatchSize)
        {
            throw InferenceException.Invalid(
                $"inference request batch-size must be <= {model.MaxBatchSize} for '{model.Name}', got {shape[0]} (input '{spec.Name}')");
        }
        return (int)shape[0];
    }

    /// <summary>
    /// The shape's element count (dims are known non-negative here). A count beyond 64 bits is refused: wrapped around,
    /// [2^32, 2^32] would read as 0 elements and pass with no data, handing ONNX Runtime a tensor it cannot hold.
    /// </summary>
    private static long ElementCount(ModelDefinition model, ModelInferRequest.Types.InferInputTensor input)
    {
        // Indexed, not foreach: RepeatedField's enumerator is an object, allocated per loop on the request path.
        var shape = input.Shape;
        for (var i = 0; i < shape.Count; i++)
        {
            if (shape[i] == 0)
            {
                return 0;
            }
        }
        long count = 1;
        for (var i = 0; i < shape.Count; i++)
        {
            var d = shape[i];
            if (count > long.MaxValue / d)
            {
                throw new InferenceException(Grpc.Core.StatusCode.ResourceExhausted,
                    $"input '{input.Name}' of model '{model.Name}' has shape {ConfigTensor.Format(shape)}, more elements than a tensor can hold");
            }
            count *= d;
        }
        return count;
    }

    private static void SelectOutputs(ModelDefinition model,
        RepeatedField<ModelInferRequest.Types.InferRequestedOutputTensor> requested, InferenceJob job)
    {
        if (requested.Count == 0)
        {
            for (var o = 0; o < model.Outputs.Length; o++)
            {
                job.OutputOrder[o] = o;
            }
            job.OutputCount = model.Outputs.Length;
            return;
        }
        if (requested.Count > model.Outputs.Length)
        {
            throw InferenceException.Invalid($"{requested.Count} outputs requested but model '{model.Name}' has {model.Outputs.Length}");
        }
        for (var o = 0; o < requested.Count; o++)
        {
            var index = model.OutputIndex(requested[o].Name);
            if (index < 0)
            {
                throw InferenceException.Invalid(
                    $"unexpected inference output '{requested[o].Name}' for model '{model.Name}', expected one of: {string.Join(", ", model.OutputNames.Select(n => $"'{n}'"))}");
            }
            job.OutputOrder[o] = index;
        }
        job.OutputCount = requested.Count;
    }

    private static string MissingInputs(ModelDefinition model, RepeatedField<ModelInferRequest.Types.InferInputTensor> inputs)
    {
        var missing = model.InputNames.Where(n => inputs.All(i => i.Name != n)).ToArray();
        return missing.Length == 0 ? "" : $"; missing: {string.Join(", ", missing.Select(n => $"'{n}'"))}";
    }
}

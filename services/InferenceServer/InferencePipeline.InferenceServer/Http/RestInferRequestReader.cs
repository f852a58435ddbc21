using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.InferenceServer.Scheduling;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Reads a KServe v2 REST infer body (JSON, or Triton's binary tensor extension: a JSON header of
/// <c>Inference-Header-Content-Length</c> bytes followed by raw tensor bytes) into a ModelInferRequest whose
/// inputs all travel in raw_input_contents. Only the JSON syntax is checked here; names, datatypes and shapes
/// against the model are left to <see cref="RequestDecoder"/> so REST and gRPC refuse with the same messages.
/// </summary>
internal static class RestInferRequestReader
{
    /// <param name="rentedBuffers">Receives the pooled arrays that hold JSON-decoded inputs; the caller returns them to
    /// <see cref="ArrayPool{T}.Shared"/> once the response is written (the request references them until then).</param>
    public static RestInferRequest Read(string model, string? version, ReadOnlyMemory<byte> body, int? headerLength,
        long maxRequestBytes, List<byte[]> rentedBuffers)
    {
        var json = body;
        var binary = ReadOnlyMemory<byte>.Empty;
        if (headerLength is { } length)
        {
            if (length < 0 || length > body.Length)
            {
                throw InferenceException.Invalid(
                    $"Inference-Header-Content-Length is {length} but the request body has only {body.Length} bytes");
            }
            json = body[..length];
            binary = body[length..];
        }

        // The JSON reader checks UTF-8 only when a string is read, as an InvalidOperationException from wherever that is.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw InferenceException.Invalid("failed to parse the request JSON buffer: it is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw InferenceException.Invalid($"failed to parse the request JSON buffer: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw InferenceException.Invalid("the request JSON must be an object");
            }
            var request = new ModelInferRequest { ModelName = model, ModelVersion = version ?? "" };
            if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                request.Id = id.GetString()!;
            }
            var allBinary = root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("binary_data_output", out var flag) && flag.ValueKind == JsonValueKind.True;
            if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(QueuePolicy.TimeoutParameter, out var timeout))
            {
                // Triton's schedule_policy parameter, as gRPC carries it: an int64 of microseconds.
                request.Parameters[QueuePolicy.TimeoutParameter] = timeout.ValueKind == JsonValueKind.Number && timeout.TryGetInt64(out var microseconds)
                    ? new InferParameter { Int64Param = microseconds }
                    : throw InferenceException.Invalid($"the '{QueuePolicy.TimeoutParameter}' parameter must be an integer number of microseconds, got {timeout.GetRawText()}");
            }

            if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
            {
                throw InferenceException.Invalid("Unable to find 'inputs' array in the request JSON");
            }
            var binaryOffset = 0;
            long totalBytes = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                var (tensor, raw) = ReadInput(input, binary, ref binaryOffset, maxRequestBytes - totalBytes, rentedBuffers);
                totalBytes += raw.Length;
                request.Inputs.Add(tensor);
                request.RawInputContents.Add(raw);
            }
            if (binaryOffset != binary.Length)
            {
                throw InferenceException.Invalid(
                    $"the request has {binary.Length - binaryOffset} bytes of binary data after the inputs that no input's binary_data_size accounts for");
            }

            var binaryOutputs = new List<string>();
            if (root.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Array)
            {
                foreach (var output in outputs.EnumerateArray())
                {
                    var name = RequiredString(output, "name", "output");
                    request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = name });
                    if (output.TryGetProperty("parameters", out var outParameters) && outParameters.ValueKind == JsonValueKind.Object
                        && outParameters.TryGetProperty("binary_data", out var binaryFlag) && binaryFlag.ValueKind == JsonValueKind.True)
                    {
                        binaryOutputs.Add(name);
                    }
                }
            }
            return new RestInferRequest(request, allBinary, binaryOutputs);
        }
    }

    private static (ModelInferRequest.Types.InferInputTensor Tensor, ByteString Raw) ReadInput(JsonElement input,
        ReadOnlyMemory<byte> binary, ref int binaryOffset, long bytesLeft, List<byte[]> rentedBuffers)
    {
        var name = RequiredString(input, "name", "input");
        var datatype = RequiredString(input, "datatype", $"input '{name}'");
        if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.Invalid($"Unable to find 'shape' array for input '{name}'");
        }
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        long elements = 1;
        foreach (var dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var value) || value < 0)
            {
                throw InferenceException.Invalid($"shape of input '{name}' must hold non-negative integers, got {shape.GetRawText()}");
            }
            tensor.Shape.Add(value);
            elements = value == 0 || elements <= long.MaxValue / value ? elements * value : long.MaxValue;
        }

        if (input.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("binary_data_size", out var sizeElement))
        {
            if (!sizeElement.TryGetInt32(out var size) || size < 0)
            {
                throw InferenceException.Invalid($"binary_data_size of input '{name}' must be a non-negative integer");
            }
            if (size > binary.Length - binaryOffset)
            {
                throw InferenceException.Invalid(
                    $"input '{name}' has binary_data_size {size} but only {binary.Length - binaryOffset} bytes of binary data are left in the request");
            }
            var slice = binary.Slice(binaryOffset, size);
            binaryOffset += size;
            // The body buffer outlives the request path (the endpoint returns it after the response is written).
            return (tensor, UnsafeByteOperations.UnsafeWrap(slice));
        }

        if (!input.TryGetProperty("data", out var data))
        {
            throw InferenceException.Invalid($"input '{name}' has neither 'data' nor a binary_data_size parameter");
        }
        var type = TensorDataType.FromName(datatype) ?? throw InferenceException.Invalid(
            $"invalid datatype '{datatype}' for input '{name}'");
        if (type.IsBytes)
        {
            return (tensor, ReadJsonStrings(name, tensor, data, elements, bytesLeft, rentedBuffers));
        }
        if (elements > bytesLeft / type.ElementSize || elements * type.ElementSize > Array.MaxLength)
        {
            throw new InferenceException(StatusCode.ResourceExhausted,
                $"input '{name}' with shape {ConfigTensor.Format(tensor.Shape)} {datatype} needs more bytes than the server's MaxRequestBytes allows");
        }
        var byteCount = (int)(elements * type.ElementSize);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
        rentedBuffers.Add(rented);
        var bytes = rented.AsMemory(0, byteCount);
        var count = JsonTensorData.Write(data, type, bytes.Span, name);
        if (count != elements)
        {
            throw InferenceException.Invalid(
                $"unexpected number of elements in 'data' of input '{name}': expected {elements} for shape {ConfigTensor.Format(tensor.Shape)}, got {count}");
        }
        return (tensor, UnsafeByteOperations.UnsafeWrap(bytes));
    }

    /// <summary>BYTES "data" (JSON strings, UTF-8 encoded) into Triton's serialization, the form raw BYTES inputs have.</summary>
    private static ByteString ReadJsonStrings(string name, ModelInferRequest.Types.InferInputTensor tensor, JsonElement data,
        long elements, long bytesLeft, List<byte[]> rentedBuffers)
    {
        var values = JsonTensorData.ReadStrings(data, name);
        if (values.Count != elements)
        {
            throw InferenceException.Invalid(
                $"unexpected number of elements in 'data' of input '{name}': expected {elements} for shape {ConfigTensor.Format(tensor.Shape)}, got {values.Count}");
        }
        long size = 0;
        foreach (var value in values)
        {
            size += BytesSerialization.ElementSize(value.Length);
        }
        if (size > bytesLeft || size > Array.MaxLength)
        {
            throw new InferenceException(StatusCode.ResourceExhausted,
                $"input '{name}' with shape {ConfigTensor.Format(tensor.Shape)} BYTES needs more bytes than the server's MaxRequestBytes allows");
        }
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max((int)size, 1));
        rentedBuffers.Add(rented);
        var offset = 0;
        foreach (var value in values)
        {
            offset += BytesSerialization.WriteElement(value, rented.AsSpan(offset));
        }
        return UnsafeByteOperations.UnsafeWrap(rented.AsMemory(0, offset));
    }

    private static string RequiredString(JsonElement element, string property, string what)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw InferenceException.Invalid($"Unable to find '{property}' for {what} in the request JSON");
        }
        return value.GetString()!;
    }
}

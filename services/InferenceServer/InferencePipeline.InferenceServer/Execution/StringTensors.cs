using Google.Protobuf;
using Inference;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Execution;

/// <summary>
/// BYTES tensors between Triton's wire form (each element a 4-byte length then its bytes) and ORT string tensors,
/// for <see cref="ModelInstance"/>: numeric tensors wrap pooled buffers, string tensors must be copied element by element.
/// </summary>
internal static class StringTensors
{
    /// <summary>
    /// A BYTES input as an ORT string tensor. Those live in native memory as std::string and cannot wrap our
    /// buffers, so each element is copied in; the byte overload of StringTensorSetElementAt copies the bytes as
    /// they are (no UTF-8 decoding), so any bytes reach the model unchanged. The jobs' serialized buffers follow
    /// one another in batch order, which is the row order of the tensor.
    /// </summary>
    public static OrtValue CreateInput(Span<InferenceJob> jobs, int i, long[] shape)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        try
        {
            var index = 0;
            foreach (var job in jobs)
            {
                var reader = new BytesElementReader(job.InputData[i].Span);
                while (reader.TryRead(out var element))
                {
                    value.StringTensorSetElementAt(element, index++);
                }
            }
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds a BYTES output: this job's rows of the ORT string tensor, serialized Triton's way for raw_output_contents
    /// or one bytes_contents entry per element. Elements are read as the native bytes, never decoded.
    /// </summary>
    public static void AddOutput(ModelInferResponse response, ModelInferResponse.Types.InferOutputTensor tensor,
        OrtValue value, long[] shape, bool batching, int rowStart, int rows, bool raw)
    {
        long elements = 1;
        foreach (var d in shape)
        {
            elements *= d;
        }
        long first = 0;
        var count = elements;
        if (batching)
        {
            var perRow = elements / shape[0];
            first = rowStart * perRow;
            count = rows * perRow;
            tensor.Shape.Add(rows);
            for (var d = 1; d < shape.Length; d++)
            {
                tensor.Shape.Add(shape[d]);
            }
        }
        else
        {
            tensor.Shape.Add(shape);
        }

        if (raw)
        {
            long size = 0;
            for (var e = first; e < first + count; e++)
            {
                size += BytesSerialization.ElementSize(value.GetStringElementAsSpan((int)e).Length);
            }
            var bytes = new byte[size];
            var offset = 0;
            for (var e = first; e < first + count; e++)
            {
                offset += BytesSerialization.WriteElement(value.GetStringElementAsSpan((int)e), bytes.AsSpan(offset));
            }
            // The array is ours alone and never changes again: wrap it instead of copying it once more.
            response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(bytes));
        }
        else
        {
            tensor.Contents = new InferTensorContents();
            for (var e = first; e < first + count; e++)
            {
                tensor.Contents.BytesContents.Add(ByteString.CopyFrom(value.GetStringElementAsSpan((int)e)));
            }
        }
        response.Outputs.Add(tensor);
    }
}

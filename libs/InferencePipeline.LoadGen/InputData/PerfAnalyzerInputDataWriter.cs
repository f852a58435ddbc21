using System.Text.Json;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Writes input data in perf_analyzer's <c>--input-data</c> JSON format, the one <see cref="PerfAnalyzerInputData"/>
/// reads: <c>{"data": [ {"NAME": {"content": {"b64": "..."}, "shape": [..]}, ...}, ... ]}</c>, one step per batch-1
/// request, each tensor as its little-endian bytes (base64) with its shape without the batch dimension. Base64 keeps
/// every datatype exact (fp16, int64) and the file small; perf_analyzer and Triton's clients read the same form.
/// </summary>
public static class PerfAnalyzerInputDataWriter
{
    public static void Write(string path, IEnumerable<IReadOnlyList<InputDataTensor>> steps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(steps);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        Write(stream, steps);
    }

    public static void Write(Stream stream, IEnumerable<IReadOnlyList<InputDataTensor>> steps)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteStartArray("data");
        int count = 0;
        foreach (var step in steps)
        {
            json.WriteStartObject();
            foreach (var tensor in step)
            {
                if (tensor.RawBytes is null || tensor.Shape is null)
                {
                    throw new ArgumentException($"Tensor '{tensor.Name}' of step {count} needs its bytes and its shape to be written as base64 input data.", nameof(steps));
                }

                json.WriteStartObject(tensor.Name);
                json.WriteStartObject("content");
                json.WriteBase64String("b64", tensor.RawBytes);
                json.WriteEndObject();
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("Input data needs at least one step.", nameof(steps));
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}

using System.Text.Json;

namespace InferencePipeline.LoadGen;

/// <summary>
/// Real input data in perf_analyzer's <c>--input-data file.json</c> format:
/// <c>{"data": [ {"INPUT0": [..]}, {"INPUT0": {"content": [..], "shape": [..]}}, {"INPUT0": {"b64": ".."}}, ... ]}</c>.
/// Each entry ("step") holds every input of a batch-1 request; requests cycle through the steps in order.
/// Nested arrays are flattened row-major; perf_analyzer's sequence form (an array of streams, each an array of
/// steps) is read as its streams one after another, since the load generator sends no sequences.
/// "validation_data" is read the same way when present.
/// </summary>
public sealed class PerfAnalyzerInputData
{
    private PerfAnalyzerInputData(IReadOnlyList<InputDataStep> steps, IReadOnlyList<InputDataStep> validationSteps)
    {
        Steps = steps;
        ValidationSteps = validationSteps;
    }

    public IReadOnlyList<InputDataStep> Steps { get; }

    /// <summary>Expected outputs aligned with <see cref="Steps"/>; empty when the file has no "validation_data".</summary>
    public IReadOnlyList<InputDataStep> ValidationSteps { get; }

    public static PerfAnalyzerInputData Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new InputDataException($"Input data file '{path}' does not exist.");
        }

        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (InputDataException ex) when (ex.Step is null && ex.InnerException is JsonException)
        {
            throw new InputDataException($"Input data file '{path}': {ex.Message}", innerException: ex.InnerException);
        }
    }

    public static PerfAnalyzerInputData Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InputDataException($"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", innerException: ex);
        }

        // One clone of the whole tree keeps the values alive after the document's pooled buffers are returned,
        // instead of one clone per value.
        JsonElement root;
        using (document)
        {
            root = document.RootElement.Clone();
        }

        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data))
            {
                throw new InputDataException("Input data must be a JSON object with a \"data\" array.");
            }

            var steps = ReadSteps(data, "data");
            if (steps.Count == 0)
            {
                throw new InputDataException("Input data has an empty \"data\" array: at least one step is needed.");
            }

            var validation = root.TryGetProperty("validation_data", out var v) ? ReadSteps(v, "validation_data") : [];
            if (validation.Count > 0 && validation.Count != steps.Count)
            {
                throw new InputDataException(
                    $"\"validation_data\" has {validation.Count} entries but \"data\" has {steps.Count}; they must align one to one.");
            }

            return new PerfAnalyzerInputData(steps, validation);
        }
    }

    private static List<InputDataStep> ReadSteps(JsonElement array, string field)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new InputDataException($"\"{field}\" must be an array of steps, found {array.ValueKind}.");
        }

        var steps = new List<InputDataStep>();
        foreach (var entry in array.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Array)
            {
                // A sequence stream: its steps follow in order.
                foreach (var inner in entry.EnumerateArray())
                {
                    steps.Add(ReadStep(inner, steps.Count, field));
                }
            }
            else
            {
                steps.Add(ReadStep(entry, steps.Count, field));
            }
        }

        return steps;
    }

    private static InputDataStep ReadStep(JsonElement entry, int index, string field)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new InputDataException($"Step {index} of \"{field}\" must be an object of named tensors, found {entry.ValueKind}.", index);
        }

        var tensors = new Dictionary<string, InputDataTensor>(StringComparer.Ordinal);
        foreach (var property in entry.EnumerateObject())
        {
            tensors[property.Name] = ReadTensor(property.Name, property.Value, index);
        }

        if (tensors.Count == 0)
        {
            throw new InputDataException($"Step {index} of \"{field}\" names no tensors.", index);
        }

        return new InputDataStep(index, tensors);
    }

    private static InputDataTensor ReadTensor(string name, JsonElement value, int step)
    {
        long[]? shape = null;
        var content = value;
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var c))
        {
            content = c;
            if (value.TryGetProperty("shape", out var s))
            {
                shape = ReadShape(name, s, step);
            }
        }
        else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("shape", out _))
        {
            throw new InputDataException(
                $"Input '{name}' in step {step} gives a \"shape\" but no \"content\": with a shape, the values go in \"content\".", step, name);
        }

        if (content.ValueKind == JsonValueKind.Object)
        {
            if (!content.TryGetProperty("b64", out var b64) || b64.ValueKind != JsonValueKind.String)
            {
                throw new InputDataException(
                    $"Input '{name}' in step {step} must be an array of values, {{\"b64\": \"...\"}} or {{\"content\": ..., \"shape\": [...]}}.", step, name);
            }

            try
            {
                return new InputDataTensor(name, shape, null, Convert.FromBase64String(b64.GetString()!));
            }
            catch (FormatException ex)
            {
                throw new InputDataException($"Input '{name}' in step {step} has invalid base64 data: {ex.Message}", step, name, ex);
            }
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new InputDataException(
                $"Input '{name}' in step {step} must be an array of values, {{\"b64\": \"...\"}} or {{\"content\": ..., \"shape\": [...]}}; found {content.ValueKind}.",
                step, name);
        }

        var values = new List<JsonElement>();
        Flatten(content, values, name, step);
        if (shape is not null)
        {
            long count = 1;
            foreach (var d in shape)
            {
                count *= d;
            }

            if (count != values.Count)
            {
                throw new InputDataException(
                    $"Input '{name}' in step {step} has {values.Count} values but its shape [{string.Join(", ", shape)}] holds {count}.", step, name);
            }
        }

        return new InputDataTensor(name, shape, values, null);
    }

    private static void Flatten(JsonElement array, List<JsonElement> into, string name, int step)
    {
        foreach (var item in array.EnumerateArray())
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.Array:
                    Flatten(item, into, name, step);
                    break;
                case JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False:
                    into.Add(item);
                    break;
                default:
                    throw new InputDataException(
                        $"Input '{name}' in step {step} holds {item.ValueKind} at value {into.Count}; values are numbers, strings or booleans.", step, name);
            }
        }
    }

    private static long[] ReadShape(string name, JsonElement shape, int step)
    {
        if (shape.ValueKind != JsonValueKind.Array)
        {
            throw new InputDataException($"Input '{name}' in step {step} has a \"shape\" that is not an array of sizes.", step, name);
        }

        var dims = new List<long>();
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var size) || size < 0)
            {
                throw new InputDataException(
                    $"Input '{name}' in step {step} has a \"shape\" entry {d.GetRawText()} that is not a non-negative integer.", step, name);
            }

            dims.Add(size);
        }

        return [.. dims];
    }
}

using System.Text.Json;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// Parses OLive's <c>--input_shapes</c>: one shape per input, batch first, -1 for a dynamic dimension, as a JSON
/// list of lists (<c>[[-1,256],[-1,256],[-1,256]]</c>, the seed's BERT).
/// </summary>
public static class OliveInputShapes
{
    public static bool TryParse(string text, out IReadOnlyList<long[]> shapes, out string? error)
    {
        shapes = [];
        error = null;
        long[][]? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<long[][]>(text.Trim());
        }
        catch (JsonException)
        {
            parsed = null;
        }

        if (parsed is not { Length: > 0 } || parsed.Any(s => s is null))
        {
            error = $"--input_shapes '{text}' is not a list of shapes, one per input, e.g. \"[[-1,256],[-1,256]]\" (-1 for a dynamic dimension).";
            return false;
        }

        if (parsed.FirstOrDefault(s => s.Length == 0 || s.Any(d => d == 0 || d < -1)) is { } bad)
        {
            error = $"--input_shapes has the shape [{string.Join(",", bad)}]: each dimension is a positive size or -1, batch first.";
            return false;
        }

        shapes = parsed;
        return true;
    }
}

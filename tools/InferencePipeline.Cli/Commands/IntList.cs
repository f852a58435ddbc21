namespace InferencePipeline.Cli.Commands;

/// <summary>Parses "1,4,16" options.</summary>
public static class IntList
{
    public static bool TryParse(string text, out IReadOnlyList<int> values)
    {
        var parsed = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var value) || value <= 0)
            {
                values = [];
                return false;
            }

            parsed.Add(value);
        }

        values = parsed;
        return parsed.Count > 0;
    }

    public static IReadOnlyList<int> Parse(string text) =>
        TryParse(text, out var values) ? values : throw new FormatException($"'{text}' is not a list of positive integers.");
}

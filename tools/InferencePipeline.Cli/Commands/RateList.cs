using System.Globalization;

namespace InferencePipeline.Cli.Commands;

/// <summary>Parses "100,250.5,400" request rates (positive numbers, per second).</summary>
public static class RateList
{
    public static bool TryParse(string text, out IReadOnlyList<double> values)
    {
        var parsed = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
            {
                values = [];
                return false;
            }

            parsed.Add(value);
        }

        values = parsed;
        return parsed.Count > 0;
    }
}

using System.Globalization;

namespace InferencePipeline.Cli.Commands;

/// <summary>Parses perf_analyzer's repeatable <c>--shape name:d1,d2</c> values.</summary>
public static class ShapeList
{
    public static bool TryParse(string[] specs, out Dictionary<string, long[]>? shapes, out string? error)
    {
        shapes = null;
        error = null;
        foreach (var spec in specs)
        {
            var colon = spec.LastIndexOf(':');
            var dims = colon > 0 ? spec[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries) : [];
            var parsed = new long[dims.Length];
            var ok = dims.Length > 0;
            for (var i = 0; ok && i < dims.Length; i++)
            {
                ok = long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) && parsed[i] > 0;
            }

            if (!ok)
            {
                error = $"--shape '{spec}' is not NAME:D1,D2,... with positive sizes (e.g. input_ids:128).";
                shapes = null;
                return false;
            }

            shapes ??= new Dictionary<string, long[]>(StringComparer.Ordinal);
            shapes[spec[..colon]] = parsed;
        }

        return true;
    }
}

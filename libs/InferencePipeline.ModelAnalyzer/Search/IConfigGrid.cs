namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// The searched part of a model's config space: axes, each with its values, and the config at any coordinate
/// (one value index per axis). Brute force visits every coordinate in <see cref="Coordinates"/> order; quick search
/// climbs from the origin (the first value of every axis).
/// </summary>
public interface IConfigGrid
{
    IReadOnlyList<SearchAxis> Axes { get; }

    /// <summary>The config at <paramref name="coordinate"/>; configs at different coordinates may still be equal (same <see cref="PlannedServingConfig.Identity"/>).</summary>
    PlannedServingConfig At(IReadOnlyList<int> coordinate);
}

public static class ConfigGrids
{
    /// <summary>How many coordinates the grid has (1 when it has no axes: the one config it describes).</summary>
    public static int Size(this IConfigGrid grid) => grid.Axes.Aggregate(1, (n, axis) => n * axis.Count);

    /// <summary>Every coordinate, the first axis varying slowest (Model Analyzer's order for the cross product).</summary>
    public static IEnumerable<int[]> Coordinates(this IConfigGrid grid)
    {
        var size = grid.Size();
        for (var linear = 0; linear < size; linear++)
        {
            yield return CoordinateOf(grid, linear);
        }
    }

    /// <summary>The position of <paramref name="coordinate"/> in <see cref="Coordinates"/>: what configs are numbered by.</summary>
    public static int LinearIndex(this IConfigGrid grid, IReadOnlyList<int> coordinate)
    {
        var index = 0;
        for (var a = 0; a < grid.Axes.Count; a++)
        {
            index = index * grid.Axes[a].Count + coordinate[a];
        }

        return index;
    }

    public static int[] CoordinateOf(this IConfigGrid grid, int linear)
    {
        var coordinate = new int[grid.Axes.Count];
        for (var a = grid.Axes.Count - 1; a >= 0; a--)
        {
            coordinate[a] = linear % grid.Axes[a].Count;
            linear /= grid.Axes[a].Count;
        }

        return coordinate;
    }
}

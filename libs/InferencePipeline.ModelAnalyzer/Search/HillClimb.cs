using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>
/// Quick search's walk over a config grid. From the origin (the first value of every axis) it measures every
/// unvisited neighbour (one step along one axis) of the current config and moves to the best of them.
/// <para>
/// A move that beats the best config seen so far always counts. On a CPU many configs serve within a few percent of
/// each other and one measurement's noise is of that order, so a strict climb stops on the first flat stretch, often
/// next to the origin (measured on the demo BERT: it kept a config at 0.75x of brute force's best). So a neighbour
/// that falls short of the best so far by less than the measurement's noise margin (its stability band) is a level
/// step, and the walk takes up to <see cref="PlateauMoves"/> of them in a row before it stops: enough to cross a
/// plateau to the slope beyond, few enough that the walk stays a small part of the space.
/// </para>
/// Every decision depends only on measured values, so a walk replayed from checkpoints takes the same path.
/// </summary>
public static class HillClimb
{
    /// <summary>Level steps in a row before the walk stops.</summary>
    public const int PlateauMoves = 2;

    /// <param name="noiseMargin">How far under the best so far (relative) a neighbour may read and still be a level step.</param>
    /// <param name="measure">Measures the config at a coordinate (or returns its checkpoint); called once per visited coordinate, in visit order.</param>
    public static async Task RunAsync(IConfigGrid grid, CandidateOrder order, double noiseMargin, Func<int[], Task<ProfileMeasurement>> measure)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);

        Task<ProfileMeasurement> VisitAsync(int[] coordinate)
        {
            seen.Add(Key(coordinate));
            return measure(coordinate);
        }

        var current = new int[grid.Axes.Count];
        var best = await VisitAsync(current);
        var levelMoves = 0;
        while (true)
        {
            (int[] Coordinate, ProfileMeasurement Measurement)? next = null;
            foreach (var neighbour in Neighbours(grid, current))
            {
                if (seen.Contains(Key(neighbour)))
                {
                    continue;
                }

                var m = await VisitAsync(neighbour);
                if (next is null || order.Better(m, next.Value.Measurement))
                {
                    next = (neighbour, m);
                }
            }

            if (next is not { } step)
            {
                return;
            }

            if (order.Better(step.Measurement, best))
            {
                best = step.Measurement;
                levelMoves = 0;
            }
            else if (levelMoves < PlateauMoves && order.Level(step.Measurement, best, noiseMargin))
            {
                levelMoves++;
            }
            else
            {
                return;
            }

            current = step.Coordinate;
        }
    }

    private static IEnumerable<int[]> Neighbours(IConfigGrid grid, int[] current)
    {
        for (var axis = 0; axis < grid.Axes.Count; axis++)
        {
            foreach (var step in (int[])[1, -1])
            {
                var next = current[axis] + step;
                if (next >= 0 && next < grid.Axes[axis].Count)
                {
                    var neighbour = (int[])current.Clone();
                    neighbour[axis] = next;
                    yield return neighbour;
                }
            }
        }
    }

    private static string Key(int[] coordinate) => string.Join(',', coordinate);
}

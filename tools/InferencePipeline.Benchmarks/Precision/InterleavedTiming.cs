using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Benchmarks.Precision;

/// <summary>
/// Times several sessions on the same input in interleaved rounds (A, B, C, A, B, C, …), so a change in machine
/// load hits all of them alike, and reports each one's median per-inference latency over the rounds.
/// </summary>
public static class InterleavedTiming
{
    public static Dictionary<string, double> MedianMs(
        IReadOnlyDictionary<string, InferenceSession> sessions, IReadOnlyList<NamedOnnxValue> input, int rounds, int runsPerRound)
    {
        var samples = sessions.Keys.ToDictionary(k => k, _ => new List<double>(rounds));
        foreach (var session in sessions.Values)
        {
            for (int i = 0; i < 3; i++)
            {
                session.Run(input).Dispose(); // first runs allocate buffers and pick kernels
            }
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, session) in sessions)
            {
                var clock = Stopwatch.StartNew();
                for (int run = 0; run < runsPerRound; run++)
                {
                    session.Run(input).Dispose();
                }

                samples[name].Add(clock.Elapsed.TotalMilliseconds / runsPerRound);
            }
        }

        return samples.ToDictionary(kv => kv.Key, kv => Median(kv.Value));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}

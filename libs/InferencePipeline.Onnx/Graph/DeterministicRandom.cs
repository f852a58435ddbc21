namespace InferencePipeline.Onnx.Graph;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its algorithm, not by a runtime version
/// (System.Random's seeded sequence is an implementation detail), so demo models are byte-identical everywhere.
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, exclusiveMax).</summary>
    public long NextInt64(long exclusiveMax) => (long)(NextUInt64() % (ulong)exclusiveMax);

    /// <summary>Normal(0, stdDev) by Box–Muller (one value per call; simple beats fast here).</summary>
    public float NextNormal(float stdDev)
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2) * stdDev);
    }
}

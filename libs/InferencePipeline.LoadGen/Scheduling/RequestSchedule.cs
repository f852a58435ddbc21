namespace InferencePipeline.LoadGen;

/// <summary>
/// The send times of request-rate mode, as gaps between consecutive requests. Poisson gaps come from a
/// seeded generator so that a run can be repeated exactly. Not thread-safe: the one dispatcher owns it.
/// </summary>
public sealed class RequestSchedule
{
    private readonly double _meanGapSeconds;
    private readonly RateDistribution _distribution;
    private readonly Random _random;

    public RequestSchedule(double requestsPerSecond, RateDistribution distribution, int seed = 42)
    {
        if (!double.IsFinite(requestsPerSecond) || requestsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "A request rate must be a positive number.");
        }

        if (!Enum.IsDefined(distribution))
        {
            throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "Unknown rate distribution.");
        }

        _meanGapSeconds = 1.0 / requestsPerSecond;
        _distribution = distribution;
        _random = new Random(seed);
    }

    /// <summary>Seconds from one request's send time to the next one's.</summary>
    public double NextGapSeconds()
    {
        if (_distribution == RateDistribution.Constant)
        {
            return _meanGapSeconds;
        }

        // Inverse transform sampling: -ln(U) is exponential with mean 1 for U uniform in (0, 1]; 1 - NextDouble()
        // lies in (0, 1], so the logarithm is never taken of 0.
        return -Math.Log(1.0 - _random.NextDouble()) * _meanGapSeconds;
    }
}

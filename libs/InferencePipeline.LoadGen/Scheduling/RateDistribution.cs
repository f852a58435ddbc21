namespace InferencePipeline.LoadGen;

/// <summary>How request-rate mode spaces its requests (perf_analyzer --request-distribution).</summary>
public enum RateDistribution
{
    /// <summary>Evenly spaced: one request every 1/rate seconds.</summary>
    Constant,

    /// <summary>Independent arrivals: exponentially distributed gaps with mean 1/rate, as real traffic often is.</summary>
    Poisson,
}

using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

public sealed class RequestScheduleTests
{
    [Fact]
    public void Constant_gaps_are_exactly_one_over_the_rate()
    {
        var schedule = new RequestSchedule(250, RateDistribution.Constant);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(0.004, schedule.NextGapSeconds(), 12);
        }
    }

    [Fact]
    public void Poisson_gaps_are_exponential_with_mean_one_over_the_rate()
    {
        const int n = 200_000;
        const double rate = 500;
        var schedule = new RequestSchedule(rate, RateDistribution.Poisson, seed: 7);
        var gaps = new double[n];
        for (var i = 0; i < n; i++)
        {
            gaps[i] = schedule.NextGapSeconds();
        }

        var mean = gaps.Average();
        var std = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / (n - 1));
        var aboveMean = gaps.Count(g => g > 1 / rate) / (double)n;
        var median = gaps.Order().ElementAt(n / 2);

        // Standard error of the mean is (1/rate)/sqrt(n) ≈ 0.22%: 1% is over 4 sigma, yet a wrong mean
        // (a rate off by a few percent, or uniform gaps) fails.
        Assert.Equal(1 / rate, mean, 1 / rate * 0.01);
        // Exponential: standard deviation equals the mean (a constant schedule would give 0) ...
        Assert.Equal(mean, std, mean * 0.02);
        // ... P(gap > mean) = e^-1, and the median is ln 2 × mean.
        Assert.Equal(Math.Exp(-1), aboveMean, 0.005);
        Assert.Equal(Math.Log(2) / rate, median, 1 / rate * 0.02);
        Assert.All(gaps, g => Assert.True(g >= 0));
    }

    [Fact]
    public void The_same_seed_gives_the_same_schedule_and_another_seed_a_different_one()
    {
        var a = new RequestSchedule(100, RateDistribution.Poisson, seed: 3);
        var b = new RequestSchedule(100, RateDistribution.Poisson, seed: 3);
        var c = new RequestSchedule(100, RateDistribution.Poisson, seed: 4);
        var ga = Enumerable.Range(0, 50).Select(_ => a.NextGapSeconds()).ToArray();
        var gb = Enumerable.Range(0, 50).Select(_ => b.NextGapSeconds()).ToArray();
        var gc = Enumerable.Range(0, 50).Select(_ => c.NextGapSeconds()).ToArray();

        Assert.Equal(ga, gb);
        Assert.NotEqual(ga, gc);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_rate_that_is_not_a_positive_number_is_refused(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestSchedule(rate, RateDistribution.Constant));
    }
}

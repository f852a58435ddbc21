namespace InferencePipeline.Onnx.Tests;

public sealed class OutputComparerTests
{
    [Fact]
    public void Finds_the_largest_difference_and_where_it_is()
    {
        var expected = new Dictionary<string, float[]> { ["start"] = [1f, 2f, 3f], ["end"] = [0f, 0f] };
        var actual = new Dictionary<string, float[]> { ["start"] = [1f, 2.5f, 3f], ["end"] = [0.1f, 0f], ["extra"] = [9f] };

        var comparison = OutputComparer.Compare(expected, actual);

        Assert.Equal(0.5, comparison.MaxAbsDiff, 6);
        Assert.Equal(("start", 1L), (comparison.WorstOutput, comparison.WorstIndex));
        Assert.Equal(0.6 / 5, comparison.MeanAbsDiff, 6);
        Assert.True(comparison.Within(0.5));
        Assert.False(comparison.Within(0.4));
        Assert.Equal(0.5, OutputComparer.MaxAbsDiff(expected, actual), 6);
    }

    [Fact]
    public void Nan_against_a_number_is_infinitely_wrong_and_identical_inputs_are_zero()
    {
        Assert.Equal(double.PositiveInfinity, OutputComparer.MaxAbsDiff([1f, float.NaN], [1f, 2f]));
        Assert.Equal(0, OutputComparer.MaxAbsDiff([float.NaN, float.PositiveInfinity], [float.NaN, float.PositiveInfinity]));
    }

    [Fact]
    public void Missing_outputs_and_length_mismatches_are_errors()
    {
        var expected = new Dictionary<string, float[]> { ["start"] = [1f] };

        Assert.Contains("'start' is missing", Assert.Throws<ArgumentException>(() =>
            OutputComparer.MaxAbsDiff(expected, new Dictionary<string, float[]> { ["end"] = [1f] })).Message);
        Assert.Throws<ArgumentException>(() => OutputComparer.MaxAbsDiff(expected, new Dictionary<string, float[]> { ["start"] = [1f, 2f] }));
    }
}

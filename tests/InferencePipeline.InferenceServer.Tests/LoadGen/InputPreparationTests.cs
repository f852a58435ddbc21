using System.Runtime.InteropServices;
using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

public sealed class InputPreparationTests
{
    [Fact]
    public void Batch_dimension_takes_the_batch_size_and_overrides_fill_dynamic_dims()
    {
        var shapes = new Dictionary<string, long[]> { ["input_ids"] = [128] };

        Assert.Equal([8L, 256], InputShapeResolver.Resolve("x", [-1, 256], true, 8, null));
        Assert.Equal([4L, 128], InputShapeResolver.Resolve("input_ids", [-1, -1], true, 4, shapes));
        Assert.Equal([3L, 5], InputShapeResolver.Resolve("y", [3, 5], false, 1, null));
    }

    [Fact]
    public void Unresolvable_or_conflicting_shapes_name_the_input()
    {
        var missing = Assert.Throws<ArgumentException>(() => InputShapeResolver.Resolve("input_ids", [-1, -1], true, 1, null));
        Assert.Contains("input_ids", missing.Message);
        Assert.Contains("--shape", missing.Message);

        var conflict = Assert.Throws<ArgumentException>(
            () => InputShapeResolver.Resolve("x", [-1, 256], true, 1, new Dictionary<string, long[]> { ["x"] = [128] }));
        Assert.Contains("fixes it at 256", conflict.Message);

        Assert.Throws<ArgumentException>(() => InputShapeResolver.Resolve("x", [3, 5], false, 2, null));
    }

    [Fact]
    public void Random_data_follows_perf_analyzer_conventions()
    {
        var random = new Random(1);
        var ids = MemoryMarshal.Cast<byte, long>(TensorDataFactory.Create("input_ids", "INT64", [2, 64], InputDataMode.Random, random)).ToArray();
        var mask = MemoryMarshal.Cast<byte, long>(TensorDataFactory.Create("input_mask", "TYPE_INT64", [2, 64], InputDataMode.Random, random)).ToArray();
        var floats = MemoryMarshal.Cast<byte, float>(TensorDataFactory.Create("x", "FP32", [1000], InputDataMode.Random, random)).ToArray();
        var zeros = TensorDataFactory.Create("x", "FP16", [10], InputDataMode.Zero, random);

        Assert.Equal(128, ids.Length);
        Assert.All(ids, v => Assert.InRange(v, 0, TensorDataFactory.MaxRandomInteger - 1));
        Assert.True(ids.Distinct().Count() > 50, "ids are random, not constant");
        Assert.All(mask, v => Assert.Equal(1, v));
        Assert.All(floats, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(20, zeros.Length);
        Assert.All(zeros, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Bytes_tensors_use_length_prefixed_elements()
    {
        Assert.Throws<NotSupportedException>(() => TensorDataFactory.Create("x", "COMPLEX64", [1], InputDataMode.Random, new Random(1)));
        var fixedText = TensorDataFactory.Create("text", "TYPE_STRING", [2], InputDataMode.Random, new Random(1), stringData: "hé");
        Assert.Equal([3, 0, 0, 0, (byte)'h', 0xC3, 0xA9, 3, 0, 0, 0, (byte)'h', 0xC3, 0xA9], fixedText);
    }

    [Theory]
    [InlineData(InputDataMode.Random)]
    [InlineData(InputDataMode.Zero)]
    public void Bytes_tensors_get_random_printable_strings_in_both_modes_as_perf_analyzer_sends_them(InputDataMode mode)
    {
        var data = TensorDataFactory.Create("text", "BYTES", [2, 3], mode, new Random(1));

        Assert.Equal(6 * (4 + TensorDataFactory.DefaultStringLength), data.Length);
        var elements = Enumerable.Range(0, 6)
            .Select(e => data.AsSpan(e * (4 + TensorDataFactory.DefaultStringLength), 4 + TensorDataFactory.DefaultStringLength).ToArray())
            .ToArray();
        Assert.All(elements, e => Assert.Equal(TensorDataFactory.DefaultStringLength, BitConverter.ToInt32(e, 0)));
        Assert.All(elements, e => Assert.All(e[4..], b => Assert.InRange(b, (byte)0x20, (byte)0x7E)));
        Assert.Equal(6, elements.Select(e => Convert.ToHexString(e)).Distinct().Count());

        var short5 = TensorDataFactory.Create("text", "BYTES", [1], mode, new Random(1), stringLength: 5);
        Assert.Equal(9, short5.Length);
        Assert.Equal(5, BitConverter.ToInt32(short5, 0));
    }
}

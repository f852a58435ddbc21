using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.OrtTuner;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class TuningInputsTests
{
    private static readonly TensorSpec[] Encoder =
    [
        new("input_ids", "INT64", [-1, -1]),
        new("attention_mask", "INT64", [-1, -1]),
    ];

    [Fact]
    public void Shape_overrides_size_the_open_dimensions_and_the_batch_stays_open()
    {
        var inputs = TuningInputs.Resolve([], Encoder, new Dictionary<string, long[]> { ["input_ids"] = [128], ["attention_mask"] = [128] });

        Assert.All(inputs, i => Assert.Equal([-1L, 128L], i.Shape));
    }

    [Fact]
    public void Declared_sizes_come_first_and_input_data_sizes_what_is_left()
    {
        var data = PerfAnalyzerInputData.Parse("""{"data": [{"input_ids": [1, 2, 3, 4], "attention_mask": {"content": [1, 1, 1, 0], "shape": [4]}}]}""");

        var fromData = TuningInputs.Resolve([], Encoder, data: data);
        var declared = TuningInputs.Resolve([Encoder[0] with { Shape = [-1, 4] }, Encoder[1] with { Shape = [-1, 4] }], Encoder, data: data);

        Assert.All(fromData, i => Assert.Equal([-1L, 4L], i.Shape)); // one from the shape, one from the element count
        Assert.All(declared, i => Assert.Equal([-1L, 4L], i.Shape));
    }

    [Fact]
    public void What_cannot_be_sized_fails_naming_each_input_and_the_fixes()
    {
        var open = Assert.Throws<OrtTuningException>(() => TuningInputs.Resolve([], Encoder));
        var unknown = Assert.Throws<OrtTuningException>(() => TuningInputs.Resolve([], Encoder, new Dictionary<string, long[]> { ["pixels"] = [3] }));
        var conflict = Assert.Throws<OrtTuningException>(() =>
            TuningInputs.Resolve([], [new TensorSpec("x", "FP32", [-1, 3, -1])], new Dictionary<string, long[]> { ["x"] = [4, 8] }));
        var rank = Assert.Throws<OrtTuningException>(() =>
            TuningInputs.Resolve([], Encoder, new Dictionary<string, long[]> { ["input_ids"] = [1, 128], ["attention_mask"] = [128] }));

        Assert.Contains("input_ids, attention_mask have dynamic dimensions besides the batch (input_ids [-1, -1]; attention_mask [-1, -1])", open.Message);
        Assert.Contains("--shape NAME:D1,...", open.Message);
        Assert.Contains("pixels are not inputs of the model", unknown.Message);
        Assert.Contains("sets dimension 1 of input 'x' to 4, but the model fixes it at 3", conflict.Message);
        Assert.Contains("gives input 'input_ids' 2 dimensions [1, 128], but it has 1 besides the batch", rank.Message);
    }
}

using System.Runtime.InteropServices;
using InferencePipeline.Contracts;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferencePipeline.Onnx.Tests;

public sealed class InputFactoryTests
{
    [Fact]
    public void Bert_inputs_have_valid_ids_a_full_mask_and_two_segments()
    {
        var raw = InputFactory.CreateRaw(DemoModels.BertInputs(), batchSize: 3, seed: 9);

        Assert.Equal(["input_names", "input_mask", "segment_ids"], raw.Select(r => r.Name));
        Assert.All(raw, r => Assert.Equal([3L, 256L], r.Shape));
        Assert.All(raw, r => Assert.Equal(3 * 256 * 8, r.Data.Length));
        var ids = MemoryMarshal.Cast<byte, long>(raw[0].Data).ToArray();
        Assert.All(ids, id => Assert.InRange(id, 0, 999));
        Assert.True(ids.Distinct().Count() > 300, "token ids should be spread over the vocabulary");
        Assert.All(MemoryMarshal.Cast<byte, long>(raw[1].Data).ToArray(), m => Assert.Equal(1, m));
        var segments = MemoryMarshal.Cast<byte, long>(raw[2].Data).ToArray();
        Assert.Equal(0, segments[0]);
        Assert.Equal(1, segments[255]);
        Assert.Equal(3 * 128, segments.Count(s => s == 1));
    }

    [Fact]
    public void Same_seed_same_bytes_other_seed_other_bytes()
    {
        var a = InputFactory.CreateRaw(DemoModels.BertInputs(), 2, seed: 1);
        var b = InputFactory.CreateRaw(DemoModels.BertInputs(), 2, seed: 1);
        var c = InputFactory.CreateRaw(DemoModels.BertInputs(), 2, seed: 2);

        Assert.Equal(a[0].Data, b[0].Data);
        Assert.NotEqual(a[0].Data, c[0].Data);
    }

    [Fact]
    public void Named_values_carry_the_same_data_as_the_raw_form()
    {
        var raw = InputFactory.CreateRaw(DemoModels.BertInputs(), 2, seed: 4);
        var named = InputFactory.Create(DemoModels.BertInputs(), 2, seed: 4);

        var tensor = named[0].AsTensor<long>();
        Assert.Equal([2, 256], tensor.Dimensions.ToArray());
        Assert.Equal(MemoryMarshal.Cast<byte, long>(raw[0].Data).ToArray(), tensor.ToArray());
        using var ort = raw[0].ToOrtValue();
        Assert.Equal(MemoryMarshal.Cast<byte, long>(raw[0].Data).ToArray(), ort.GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void Floats_fill_in_range_and_dynamic_inner_dims_get_the_given_size()
    {
        TensorSpec[] specs = [new("pixels", "FP32", [-1, 3, -1]), new("half", "FP16", [2, -1]), new("flag", "BOOL", [-1])];

        var raw = InputFactory.CreateRaw(specs, batchSize: 4, seed: 1, dynamicDimSize: 5);

        Assert.Equal([4L, 3L, 5L], raw[0].Shape);
        Assert.Equal([2L, 5L], raw[1].Shape); // a fixed leading dim is not the batch
        Assert.All(TensorBytes.ToFloats("FP32", raw[0].Data), v => Assert.InRange(v, -1f, 1f));
        Assert.Equal(10, TensorBytes.ToFloats("FP16", raw[1].Data).Length);
        Assert.All(raw[2].Data, b => Assert.InRange(b, (byte)0, (byte)1));
        Assert.IsType<DenseTensor<Microsoft.ML.OnnxRuntime.Float16>>(raw[1].ToNamedOnnxValue().Value);
    }

    [Fact]
    public void Bytes_inputs_and_wrong_lengths_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => InputFactory.CreateRaw([new TensorSpec("text", "BYTES", [-1])], 1, 1));
        var e = Assert.Throws<ArgumentException>(() => TensorBytes.ToNamedOnnxValue("x", "FP32", [2, 2], new byte[12]));
        Assert.Contains("16 bytes expected", e.Message);
    }
}

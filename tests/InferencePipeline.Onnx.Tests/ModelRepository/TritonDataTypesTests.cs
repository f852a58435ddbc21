using Inference;
using InferencePipeline.ModelRepository;

namespace InferencePipeline.Onnx.Tests.ModelRepository;

public sealed class TritonDataTypesTests
{
    [Theory]
    [InlineData("INT64", DataType.TypeInt64, 8)]
    [InlineData("FP32", DataType.TypeFp32, 4)]
    [InlineData("FP16", DataType.TypeFp16, 2)]
    [InlineData("BOOL", DataType.TypeBool, 1)]
    [InlineData("UINT8", DataType.TypeUint8, 1)]
    [InlineData("BF16", DataType.TypeBf16, 2)]
    [InlineData("BYTES", DataType.TypeString, 0)]
    public void Maps_both_ways_with_sizes(string kserve, DataType triton, int size)
    {
        Assert.Equal(triton, TritonDataTypes.ToTriton(kserve));
        Assert.Equal(triton, TritonDataTypes.ToTriton(kserve.ToLowerInvariant()));
        Assert.Equal(kserve, TritonDataTypes.ToKServe(triton));
        Assert.Equal(size, TritonDataTypes.ElementByteSize(kserve));
    }

    [Fact]
    public void Every_known_name_maps_back_to_itself()
    {
        foreach (string name in TritonDataTypes.KServeNames)
        {
            Assert.Equal(name, TritonDataTypes.ToKServe(TritonDataTypes.ToTriton(name)));
        }
    }

    [Fact]
    public void Unknown_names_are_rejected_with_the_name()
    {
        var e = Assert.Throws<ArgumentException>(() => TritonDataTypes.ToTriton("FLOAT"));
        Assert.Contains("'FLOAT'", e.Message);
        Assert.False(TritonDataTypes.TryToTriton("FLOAT", out _));
        Assert.Throws<ArgumentException>(() => TritonDataTypes.ToKServe(DataType.TypeInvalid));
    }
}

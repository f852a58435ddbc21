using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf.Reflection;
using Inference;
using InferencePipeline.KServe;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxDataType = global::Onnx.TensorProto.Types.DataType;

namespace InferencePipeline.Onnx.Tests.KServe;

/// <summary>The one datatype table, checked against the worlds it names: the .proto enum, ONNX's enum, ORT and .NET.</summary>
public sealed class TensorDataTypeTests
{
    [Theory]
    [InlineData("INT64", DataType.TypeInt64, "TYPE_INT64", "INT64", 8)]
    [InlineData("FP32", DataType.TypeFp32, "TYPE_FP32", "FLOAT", 4)]
    [InlineData("FP16", DataType.TypeFp16, "TYPE_FP16", "FLOAT16", 2)]
    [InlineData("FP64", DataType.TypeFp64, "TYPE_FP64", "DOUBLE", 8)]
    [InlineData("BOOL", DataType.TypeBool, "TYPE_BOOL", "BOOL", 1)]
    [InlineData("UINT8", DataType.TypeUint8, "TYPE_UINT8", "UINT8", 1)]
    [InlineData("BF16", DataType.TypeBf16, "TYPE_BF16", "BFLOAT16", 2)]
    [InlineData("BYTES", DataType.TypeString, "TYPE_STRING", "STRING", 0)]
    public void Maps_each_name_to_config_onnx_and_size(string kserve, DataType config, string configName, string onnxName, int size)
    {
        var type = TensorDataType.Parse(kserve.ToLowerInvariant());

        Assert.Equal(kserve, type.Name);
        Assert.Equal(config, type.ConfigType);
        Assert.Equal(configName, type.ConfigName);
        Assert.Equal(onnxName, type.OnnxName);
        Assert.Equal(size, type.ElementSize);
        Assert.Equal(size == 0, type.IsBytes);
        Assert.Same(type, TensorDataType.FromName(kserve));
        Assert.Equal(kserve, TensorDataType.NameOf(config));
    }

    [Fact]
    public void Every_type_is_found_again_by_each_of_its_names_and_numbers()
    {
        Assert.Equal(14, TensorDataType.All.Count);
        foreach (var type in TensorDataType.All)
        {
            Assert.Same(type, TensorDataType.FromName(type.Name));
            Assert.Same(type, TensorDataType.FromNameIgnoreCase(type.Name.ToLowerInvariant()));
            Assert.Same(type, TensorDataType.FromConfig(type.ConfigType));
            Assert.Same(type, TensorDataType.FromOnnx(type.OnnxElementType));
            Assert.Same(type, TensorDataType.FromAnySpelling(type.ConfigName));
            Assert.Same(type, TensorDataType.FromAnySpelling(type.OnnxName.ToLowerInvariant()));
        }

        Assert.Equal(TensorDataType.All.Select(t => t.Name), TensorDataType.Names);
    }

    [Fact]
    public void Config_names_are_the_proto_enum_names_of_the_config_values()
    {
        foreach (var type in TensorDataType.All)
        {
            Assert.Equal(ProtoName(type.ConfigType), type.ConfigName);
        }
    }

    [Fact]
    public void Onnx_numbers_and_names_are_onnx_own_and_ort_numbers_them_the_same()
    {
        foreach (var type in TensorDataType.All)
        {
            var onnx = (OnnxDataType)type.OnnxElementType;
            Assert.True(Enum.IsDefined(onnx), $"{type}: {type.OnnxElementType} is no ONNX element type");
            Assert.Equal(ProtoName(onnx), type.OnnxName);
            Assert.True(Enum.IsDefined((TensorElementType)type.OnnxElementType), $"{type}: ORT has no element type {type.OnnxElementType}");
        }

        Assert.Equal(TensorElementType.Float, (TensorElementType)TensorDataType.Fp32.OnnxElementType);
        Assert.Equal(TensorElementType.BFloat16, (TensorElementType)TensorDataType.Bf16.OnnxElementType);
        Assert.Equal(TensorElementType.String, (TensorElementType)TensorDataType.Bytes.OnnxElementType);
    }

    [Fact]
    public void Element_sizes_are_the_sizes_of_the_dotnet_types()
    {
        foreach (var type in TensorDataType.All.Where(t => !t.IsBytes))
        {
            // bool marshals as 4 bytes; its managed and tensor size is 1.
            var size = type.ClrType == typeof(bool) ? sizeof(bool) : Marshal.SizeOf(type.ClrType);
            Assert.Equal(size, type.ElementSize);
        }

        Assert.Equal(typeof(byte[]), TensorDataType.Bytes.ClrType);
    }

    [Fact]
    public void Any_spelling_covers_config_onnx_and_numpy_names()
    {
        Assert.Same(TensorDataType.Fp32, TensorDataType.FromAnySpelling(" float "));
        Assert.Same(TensorDataType.Fp32, TensorDataType.FromAnySpelling("FLOAT32"));
        Assert.Same(TensorDataType.Fp64, TensorDataType.FromAnySpelling("float64"));
        Assert.Same(TensorDataType.Int64, TensorDataType.FromAnySpelling("TYPE_INT64"));
        Assert.Same(TensorDataType.Bytes, TensorDataType.FromAnySpelling("TYPE_STRING"));
        Assert.Null(TensorDataType.FromAnySpelling("COMPLEX64"));
    }

    [Fact]
    public void Unknown_names_and_values_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorDataType.Parse("FLOAT"));
        Assert.Contains("'FLOAT'", e.Message);
        Assert.Contains("FP32", e.Message);
        Assert.Null(TensorDataType.FromNameIgnoreCase("FLOAT"));
        Assert.Null(TensorDataType.FromName("fp32"));
        Assert.Null(TensorDataType.FromConfig(DataType.TypeInvalid));
        Assert.Null(TensorDataType.FromOnnx(14));
        Assert.Equal(nameof(DataType.TypeInvalid), TensorDataType.NameOf(DataType.TypeInvalid));
    }

    private static string ProtoName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())!.GetCustomAttribute<OriginalNameAttribute>()!.Name;
}

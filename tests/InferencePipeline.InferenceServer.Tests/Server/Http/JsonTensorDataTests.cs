using System.Buffers;
using System.Text.Json;
using InferencePipeline.InferenceServer.Http;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Tests.Server.Http;

/// <summary>JSON "data" to tensor bytes and back for every datatype the REST surface carries as JSON.</summary>
public sealed class JsonTensorDataTests
{
    [Theory]
    [InlineData("BOOL", "[true,false,true]")]
    [InlineData("INT8", "[-128,0,127]")]
    [InlineData("INT16", "[-32768,5,32767]")]
    [InlineData("INT32", "[-2147483648,7,2147483647]")]
    [InlineData("INT64", "[-9223372036854775808,9,9223372036854775807]")]
    [InlineData("UINT8", "[0,1,255]")]
    [InlineData("UINT16", "[0,2,65535]")]
    [InlineData("UINT32", "[0,3,4294967295]")]
    [InlineData("UINT64", "[0,4,18446744073709551615]")]
    [InlineData("FP16", "[-2,0.5,1024]")]
    [InlineData("FP32", "[-1.5,0,3.25]")]
    [InlineData("FP64", "[-1E+300,0,2.5E-300]")]
    [InlineData("BF16", "[-2,0.5,1024]")]
    public void Values_survive_the_round_trip_through_tensor_bytes(string datatype, string json)
    {
        var type = TensorDataType.FromName(datatype)!;
        using var document = JsonDocument.Parse(json);
        var bytes = new byte[3 * type.ElementSize];
        Assert.Equal(3, JsonTensorData.Write(document.RootElement, type, bytes, "x"));

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonTensorData.WriteJsonArray(writer, bytes, type);
        }
        using var back = JsonDocument.Parse(buffer.WrittenMemory);
        var expected = document.RootElement.EnumerateArray().ToArray();
        var actual = back.RootElement.EnumerateArray().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i].ValueKind == JsonValueKind.Number)
            {
                Assert.Equal(expected[i].GetDouble(), actual[i].GetDouble());
            }
            else
            {
                Assert.Equal(expected[i].ValueKind, actual[i].ValueKind);
            }
        }
    }

    [Theory]
    [InlineData("INT8", "[128]", "128 is not a valid INT8 value")]
    [InlineData("UINT8", "[-1]", "-1 is not a valid UINT8 value")]
    [InlineData("INT32", "[1.5]", "1.5 is not a valid INT32 value")]
    [InlineData("BOOL", "[1]", "1 is not a valid BOOL value")]
    public void Values_out_of_range_for_the_datatype_are_refused(string datatype, string json, string message)
    {
        var type = TensorDataType.FromName(datatype)!;
        using var document = JsonDocument.Parse(json);
        var error = Assert.Throws<InferenceException>(() => JsonTensorData.Write(document.RootElement, type, new byte[8], "x"));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message);
        Assert.Contains("input 'x'", error.Message);
    }
}

using System.Runtime.InteropServices;
using Inference;
using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

public sealed class PerfAnalyzerInputDataTests
{
    private static readonly ModelMetadataResponse.Types.TensorMetadata[] Int32Input =
        [new() { Name = "INPUT", Datatype = "INT32", Shape = { -1, -1 } }];

    [Fact]
    public void Reads_plain_arrays_content_with_shape_and_b64()
    {
        var b64 = Convert.ToBase64String(MemoryMarshal.AsBytes(new int[] { 7, 8 }.AsSpan()).ToArray());
        var data = PerfAnalyzerInputData.Parse($$"""
            {
              "data": [
                { "INPUT0": [1, 2, 3, 4], "INPUT1": [[1.5, 2.5], [3.5, 4.5]] },
                { "INPUT0": { "content": [5, 6, 7, 8], "shape": [2, 2] }, "INPUT1": { "b64": "{{b64}}" } },
                { "INPUT0": { "content": { "b64": "{{b64}}" }, "shape": [2] }, "INPUT1": ["x", "y"] }
              ]
            }
            """);

        Assert.Equal(3, data.Steps.Count);
        Assert.Empty(data.ValidationSteps);
        var first = data.Steps[0];
        Assert.Equal(0, first.Index);
        Assert.Null(first.Tensors["INPUT0"].Shape);
        Assert.Equal([1.0, 2, 3, 4], first.Tensors["INPUT0"].Values!.Select(v => v.GetDouble()));
        // Nested arrays are flattened row-major.
        Assert.Equal([1.5, 2.5, 3.5, 4.5], first.Tensors["INPUT1"].Values!.Select(v => v.GetDouble()));

        var second = data.Steps[1];
        Assert.Equal([2L, 2], second.Tensors["INPUT0"].Shape!);
        Assert.Equal(4, second.Tensors["INPUT0"].Values!.Count);
        Assert.Equal(8, second.Tensors["INPUT1"].RawBytes!.Length);

        var third = data.Steps[2];
        Assert.Equal([2L], third.Tensors["INPUT0"].Shape!);
        Assert.Equal([7, 8], MemoryMarshal.Cast<byte, int>(third.Tensors["INPUT0"].RawBytes!).ToArray());
    }

    [Fact]
    public void Reads_sequence_streams_in_order_and_validation_data()
    {
        var data = PerfAnalyzerInputData.Parse("""
            {
              "data": [ [ { "INPUT": ["1"] }, { "INPUT": ["2"] } ], [ { "INPUT": ["3"] } ] ],
              "validation_data": [ { "OUTPUT": [1] }, { "OUTPUT": [2] }, { "OUTPUT": [3] } ]
            }
            """);

        Assert.Equal(["1", "2", "3"], data.Steps.Select(s => s.Tensors["INPUT"].Values![0].GetString()));
        Assert.Equal([0, 1, 2], data.Steps.Select(s => s.Index));
        Assert.Equal(3, data.ValidationSteps.Count);
    }

    [Theory]
    [InlineData("""[1, 2]""", "\"data\" array")]
    [InlineData("""{ "nodata": [] }""", "\"data\" array")]
    [InlineData("""{ "data": [] }""", "empty")]
    [InlineData("""{ "data": [ 5 ] }""", "Step 0")]
    [InlineData("""{ "data": [ { "INPUT0": [1] }, { "INPUT0": { "shape": [1] } } ] }""", "Input 'INPUT0' in step 1")]
    [InlineData("""{ "data": [ { "INPUT0": { "content": [1, 2, 3], "shape": [2, 2] } } ] }""", "3 values but its shape [2, 2] holds 4")]
    [InlineData("""{ "data": [ { "INPUT0": { "b64": "not base64!" } } ] }""", "invalid base64")]
    [InlineData("""{ "data": [ { "INPUT0": [1, null] } ] }""", "Input 'INPUT0' in step 0 holds Null")]
    [InlineData("""{ "data": [ { "INPUT0": "text" } ] }""", "Input 'INPUT0' in step 0")]
    [InlineData("""{ "data": [ { "INPUT0": { "content": [1], "shape": [1.5] } } ] }""", "not a non-negative integer")]
    [InlineData("""{ "data": [ { "A": [1] } ], "validation_data": [ { "B": [1] }, { "B": [2] } ] }""", "must align")]
    [InlineData("""{ "data": [ { "A": [1] } """, "not valid JSON")]
    public void Malformed_data_fails_with_a_message_naming_the_problem(string json, string expected)
    {
        var ex = Assert.Throws<InputDataException>(() => PerfAnalyzerInputData.Parse(json));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Load_reads_a_file_and_names_a_missing_one()
    {
        var path = Path.Combine(Path.GetTempPath(), $"input-data-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "data": [ { "INPUT0": [1, 2] } ] }""");
        try
        {
            Assert.Single(PerfAnalyzerInputData.Load(path).Steps);
        }
        finally
        {
            File.Delete(path);
        }

        var ex = Assert.Throws<InputDataException>(() => PerfAnalyzerInputData.Load(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Builds_one_request_per_step_with_the_steps_shapes_and_typed_bytes()
    {
        var data = PerfAnalyzerInputData.Parse("""
            { "data": [
                { "INPUT": { "content": [1, 2, 3, 4, 5, 6], "shape": [2, 3] } },
                { "INPUT": { "content": [7, 8, 9, 10, 11, 12], "shape": [3, 2] } }
            ] }
            """);

        var requests = InputDataRequestBuilder.Build("m", "", Int32Input, hasBatchDimension: false, 1, data, shapes: null);

        Assert.Equal(2, requests.Count);
        Assert.Equal([2L, 3], requests[0].Inputs[0].Shape);
        Assert.Equal([3L, 2], requests[1].Inputs[0].Shape);
        Assert.Equal("INT32", requests[1].Inputs[0].Datatype);
        Assert.Equal([7, 8, 9, 10, 11, 12], MemoryMarshal.Cast<byte, int>(requests[1].RawInputContents[0].Span).ToArray());
    }

    [Fact]
    public void A_batch_concatenates_consecutive_steps_wrapping_around()
    {
        var data = PerfAnalyzerInputData.Parse("""{ "data": [ { "X": [1, 2] }, { "X": [3, 4] }, { "X": [5, 6] } ] }""");
        ModelMetadataResponse.Types.TensorMetadata[] inputs = [new() { Name = "X", Datatype = "FP32", Shape = { -1, 2 } }];

        var requests = InputDataRequestBuilder.Build("m", "", inputs, hasBatchDimension: true, 2, data, shapes: null);

        Assert.Equal(3, requests.Count);
        Assert.Equal([2L, 2], requests[2].Inputs[0].Shape);
        Assert.Equal([5f, 6, 1, 2], MemoryMarshal.Cast<byte, float>(requests[2].RawInputContents[0].Span).ToArray());
    }

    [Theory]
    [InlineData("""{ "data": [ { "INPUT": [1, 2, 3] } ] }""", "Input 'INPUT' in step 0 has 3 values; the request's shape needs 4")]
    [InlineData("""{ "data": [ { "INPUT": [1, 2, 3, 4], "B": [1] }, { "INPUT": [1, 2.5, 3, 4], "B": [1] } ] }""", "Input 'INPUT' in step 1: value 1 (2.5) is not a valid INT32")]
    [InlineData("""{ "data": [ { "INPUT": [1, 2, 3, 4] }, { "OTHER": [1] } ] }""", "Step 1 gives input 'OTHER'")]
    [InlineData("""{ "data": [ { "INPUT": [1, 2, 3, 4], "B": [1] }, { "INPUT": [1, 2, 3, 4] } ] }""", "Step 1 has no data for input 'B'")]
    [InlineData("""{ "data": [ { "INPUT": [1, 2, 3, 99999999999], "B": [1] } ] }""", "value 3 (99999999999) is not a valid INT32")]
    [InlineData("""{ "data": [ { "INPUT": { "b64": "AAAA" } } ] }""", "Input 'INPUT' in step 0 has 3 bytes of b64 data; 4 INT32 elements need 16")]
    [InlineData("""{ "data": [ { "INPUT": { "content": [1, 2], "shape": [1, 2, 1] } } ] }""", "Step 0: Shape override for input 'INPUT' has 3 dimensions")]
    public void Data_that_does_not_fit_the_model_names_the_input_and_step(string json, string expected)
    {
        ModelMetadataResponse.Types.TensorMetadata[] inputs =
        [
            new() { Name = "INPUT", Datatype = "INT32", Shape = { 2, 2 } },
            new() { Name = "B", Datatype = "INT8", Shape = { 1 } },
        ];
        var data = PerfAnalyzerInputData.Parse(json);

        var ex = Assert.Throws<InputDataException>(() => InputDataRequestBuilder.Build("m", "", inputs, hasBatchDimension: false, 1, data, shapes: null));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Encodes_every_datatype_little_endian()
    {
        InputDataTensor Tensor(string json) => PerfAnalyzerInputData.Parse($$"""{ "data": [ { "T": {{json}} } ] }""").Steps[0].Tensors["T"];

        Assert.Equal([1, 0, 1], InputDataEncoder.Encode(Tensor("[true, false, 1]"), "BOOL", 3, 0));
        Assert.Equal([0xFF, 0x7F], InputDataEncoder.Encode(Tensor("[-1, 127]"), "INT8", 2, 0));
        Assert.Equal([-3L, long.MaxValue], MemoryMarshal.Cast<byte, long>(InputDataEncoder.Encode(Tensor($"[-3, {long.MaxValue}]"), "INT64", 2, 0)).ToArray());
        Assert.Equal([0.5, -2.25], MemoryMarshal.Cast<byte, double>(InputDataEncoder.Encode(Tensor("[0.5, -2.25]"), "FP64", 2, 0)).ToArray());
        Assert.Equal([(Half)1.5], MemoryMarshal.Cast<byte, Half>(InputDataEncoder.Encode(Tensor("[1.5]"), "FP16", 1, 0)).ToArray());
        Assert.Equal([3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c'], InputDataEncoder.Encode(Tensor("""["abc"]"""), "BYTES", 1, 0));
        Assert.Throws<InputDataException>(() => InputDataEncoder.Encode(Tensor("[300]"), "UINT8", 1, 0));
        Assert.Throws<InputDataException>(() => InputDataEncoder.Encode(Tensor("[2]"), "BOOL", 1, 0));
    }
}

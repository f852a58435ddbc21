using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Inference;
using InferencePipeline.InferenceServer.Execution;
using InferencePipeline.KServe;
using Microsoft.AspNetCore.Http;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>
/// Writes a ModelInferResponse as the REST protocol's JSON, and, when the client asked for binary outputs,
/// as Triton's binary extension: the JSON header (its length in <c>Inference-Header-Content-Length</c>)
/// followed by the binary outputs' raw bytes in the order the JSON lists them.
/// </summary>
internal static class RestInferResponseWriter
{
    public const string HeaderLengthName = "Inference-Header-Content-Length";

    public static async Task WriteAsync(HttpResponse http, ModelInferResponse response, RestInferRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var binaryBytes = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", response.ModelName);
            writer.WriteString("model_version", response.ModelVersion);
            if (!string.IsNullOrEmpty(response.Id))
            {
                writer.WriteString("id", response.Id);
            }
            writer.WriteStartArray("outputs");
            for (var i = 0; i < response.Outputs.Count; i++)
            {
                var output = response.Outputs[i];
                var raw = RawOutput(response, i);
                writer.WriteStartObject();
                writer.WriteString("name", output.Name);
                writer.WriteString("datatype", output.Datatype);
                writer.WriteStartArray("shape");
                foreach (var dim in output.Shape)
                {
                    writer.WriteNumberValue(dim);
                }
                writer.WriteEndArray();
                if (request.IsBinary(output.Name))
                {
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", raw.Length);
                    writer.WriteEndObject();
                    binaryBytes += raw.Length;
                }
                else
                {
                    var type = TensorDataType.FromName(output.Datatype) ?? throw InferenceException.Invalid(
                        $"output '{output.Name}' has datatype {output.Datatype}, which has no JSON form: ask for it with binary_data");
                    writer.WritePropertyName("data");
                    if (type.IsBytes)
                    {
                        JsonTensorData.WriteJsonStrings(writer, raw.Span, output.Name, response.ModelName);
                    }
                    else
                    {
                        JsonTensorData.WriteJsonArray(writer, raw.Span, type);
                    }
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        http.StatusCode = StatusCodes.Status200OK;
        if (binaryBytes == 0)
        {
            http.ContentType = "application/json";
            http.ContentLength = buffer.WrittenCount;
            await http.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
            return;
        }
        http.ContentType = "application/octet-stream";
        http.Headers[HeaderLengthName] = buffer.WrittenCount.ToString(CultureInfo.InvariantCulture);
        http.ContentLength = buffer.WrittenCount + binaryBytes;
        await http.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            if (request.IsBinary(response.Outputs[i].Name))
            {
                await http.Body.WriteAsync(RawOutput(response, i)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The output's bytes; REST requests always go raw, so the response carries raw_output_contents.</summary>
    private static ReadOnlyMemory<byte> RawOutput(ModelInferResponse response, int index) =>
        index < response.RawOutputContents.Count
            ? response.RawOutputContents[index].Memory
            : throw new InvalidOperationException("the request path answered a REST request without raw_output_contents");
}

using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Inference;
using InferencePipeline.Cloud.Arm;
using InferencePipeline.Onnx;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// The smoke inference against an Azure ML Triton endpoint: Azure ML exposes Triton's HTTP/REST v2 protocol on
/// the endpoint's host (<c>POST /v2/models/&lt;model&gt;/infer</c>, JSON tensors) behind the endpoint's key or token.
/// The header <c>azureml-model-deployment</c> sends the request to one deployment whatever the traffic split,
/// which is how a new deployment is tried before it gets traffic. The answer is compared with ONNX Runtime's
/// on the same input (<see cref="ServedModelCheck"/>).
/// </summary>
public static class TritonRestSmokeTest
{
    public const string DeploymentHeader = "azureml-model-deployment";

    /// <param name="deployment">The deployment to send to; null sends through the traffic split.</param>
    public static async Task<OutputComparison> RunAsync(
        ArmRestClient client,
        Uri scoringUri,
        string credential,
        string? deployment,
        ModelConfig config,
        string modelPath,
        CancellationToken ct)
    {
        var (inputs, batchSize) = ServedModelCheck.Inputs(config);
        var infer = new Uri(new Uri(scoringUri.GetLeftPart(UriPartial.Authority)), $"v2/models/{config.Name}/infer");
        var body = Request(inputs);
        using var response = await client.SendDataAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, infer) { Content = ArmRestClient.Json(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            if (deployment is not null)
            {
                request.Headers.Add(DeploymentHeader, deployment);
            }

            return request;
        }, scope: null, ct);
        var answer = await ArmRestClient.ReadJsonAsync(response, ct);
        var served = Outputs(answer, config.Name);
        var expected = ServedModelCheck.Expected(config, modelPath, inputs, batchSize);
        return OutputComparer.Compare(expected, served);
    }

    private static JsonObject Request(IReadOnlyList<RawInputTensor> inputs)
    {
        var tensors = new JsonArray();
        foreach (var input in inputs)
        {
            var integer = input.DataType.StartsWith("INT", StringComparison.Ordinal) || input.DataType.StartsWith("UINT", StringComparison.Ordinal);
            var data = new JsonArray();
            foreach (var value in TensorBytes.ToFloats(input.DataType, input.Data))
            {
                data.Add(integer ? JsonValue.Create((long)value) : JsonValue.Create(value));
            }

            tensors.Add(new JsonObject
            {
                ["name"] = input.Name,
                ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["datatype"] = input.DataType,
                ["data"] = data,
            });
        }

        return new JsonObject { ["id"] = "inferpipe-smoke", ["inputs"] = tensors };
    }

    private static Dictionary<string, float[]> Outputs(JsonNode? answer, string model)
    {
        if (answer?["outputs"] is not JsonArray outputs)
        {
            throw new ArmRequestException($"The endpoint answered the smoke inference on '{model}' without outputs: {answer?.ToJsonString() ?? "(empty body)"}");
        }

        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            var name = output?["name"]?.GetValue<string>() ?? throw new ArmRequestException($"An output of '{model}' has no name.");
            var data = output["data"] as JsonArray ?? throw new ArmRequestException($"Output '{name}' of '{model}' has no data.");
            result[name] = data.Select(v => v!.GetValue<float>()).ToArray();
        }

        return result;
    }
}

using System.Net;
using System.Text.Json;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The OpenAPI document a client generates code or reads the HTTP body from, served by the real host.</summary>
public sealed class OpenApiDocumentTests(PipelineApiHost host) : IClassFixture<PipelineApiHost>
{
    [Fact]
    public async Task The_document_is_open_and_describes_every_endpoint_the_request_body_and_the_key()
    {
        using var response = await host.Anonymous.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/pipelines").TryGetProperty("post", out var start));
        Assert.True(paths.GetProperty("/pipelines").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/pipelines/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/pipelines/{id}/cancel").TryGetProperty("post", out var cancel));
        Assert.True(paths.GetProperty("/models").TryGetProperty("post", out var upload));
        Assert.True(paths.GetProperty("/input-data").TryGetProperty("post", out var inputDataUpload));
        Assert.False(paths.TryGetProperty("/health", out _));

        // The request body of a start is StartPipeline, whose fields a client can read.
        var body = start.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var schemaName = body.GetProperty("$ref").GetString()!.Split('/')[^1];
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(schemaName);
        Assert.True(schema.GetProperty("properties").TryGetProperty("modelUri", out _));
        Assert.True(start.GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(cancel.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(upload.GetProperty("responses").TryGetProperty("413", out _));
        Assert.True(schema.GetProperty("properties").TryGetProperty("inputDataUri", out _));
        Assert.True(inputDataUpload.GetProperty("responses").TryGetProperty("201", out var storedInputData));
        Assert.True(inputDataUpload.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(inputDataUpload.GetProperty("responses").TryGetProperty("413", out _));
        var storedSchema = storedInputData.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
        Assert.True(document.GetProperty("components").GetProperty("schemas").GetProperty(storedSchema).GetProperty("properties").TryGetProperty("inputDataUri", out _));

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains(document.GetProperty("security").EnumerateArray(), requirement => requirement.TryGetProperty("apiKey", out _));
    }
}

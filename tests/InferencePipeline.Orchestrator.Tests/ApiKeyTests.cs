using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using InferencePipeline.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Orchestrator.Tests;

/// <summary>The API key on a real Kestrel: every pipeline endpoint needs it, /health does not, refusals are problem bodies.</summary>
public sealed class ApiKeyTests(PipelineApiHost host) : IClassFixture<PipelineApiHost>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/pipelines" },
        { "GET", $"/pipelines/{Guid.NewGuid()}" },
        { "POST", "/pipelines" },
        { "POST", $"/pipelines/{Guid.NewGuid()}/cancel" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_a_key_every_pipeline_endpoint_is_a_401_problem_saying_how_to_send_it(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? new StringContent("""{ "modelUri": "artifacts/models/x/m.onnx" }""", Encoding.UTF8, "application/json") : null,
        };
        using var response = await host.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("API key required", problem.GetProperty("title").GetString());
        Assert.Contains("Authorization: Bearer <key>", problem.GetProperty("detail").GetString());
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("Bearer not-the-key-at-all-0000000")]
    [InlineData("Bearer " + PipelineApiHost.ApiKey + "x")]
    [InlineData("Basic " + PipelineApiHost.ApiKey)]
    public async Task A_wrong_key_or_scheme_is_refused(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/pipelines");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await host.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        // The body never echoes what was sent.
        Assert.DoesNotContain(authorization.Split(' ')[1], body);
        var expectedTitle = authorization.StartsWith("Bearer", StringComparison.Ordinal) ? "Wrong API key" : "API key required";
        Assert.Equal(expectedTitle, JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_right_key_is_let_through_and_health_needs_none()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/pipelines");
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", PipelineApiHost.ApiKey);
        using var response = await host.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.GetAsync("/alive")).StatusCode);
    }

    [Theory]
    [InlineData(null, "has no API key: set Pipeline:Api:Key")]
    [InlineData("short", "Pipeline:Api:Key is 5 characters long")]
    public async Task The_orchestrator_does_not_start_its_api_without_a_usable_key(string? key, string expected)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Pipeline:Api:Key"] = key;
        builder.AddPipelineBus(bus => bus.AddOrchestrator());
        builder.AddPipelineApi();
        await using var app = builder.Build();
        app.MapPipelineApi();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, error.Message);
    }
}

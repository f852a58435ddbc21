using System.Text.Json;
using InferencePipeline.Contracts;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// HTTP front door: <c>POST /pipelines</c> starts a run (202 + Location), <c>GET /pipelines/{id}</c> and
/// <c>GET /pipelines</c> read status. Starting only sends <see cref="StartPipeline"/> to the saga's queue, so
/// the API answers at once and works whichever process hosts the saga.
/// </summary>
public static class PipelineApi
{
    public const int DefaultListCount = 20;
    private const int MaxListCount = 500;

    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/pipelines");
        group.MapPost("", StartAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("", ListAsync);
        return endpoints;
    }

    private static async Task<IResult> StartAsync(HttpRequest http, ISendEndpointProvider sendEndpoints, CancellationToken cancellationToken)
    {
        StartPipeline? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<StartPipeline>(http.Body, PipelineApiJson.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Results.Problem(title: "The request body is not a valid pipeline request",
                detail: $"{ex.Message} Send a StartPipeline JSON object with at least modelUri.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (body is null)
        {
            return Results.Problem(title: "The request body is empty", detail: "Send a StartPipeline JSON object with at least modelUri.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var request = PipelineRequestValidator.Normalize(body);
        var errors = PipelineRequestValidator.Validate(request);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, title: "The pipeline request is invalid");

        var endpoint = await sendEndpoints.GetSendEndpoint(QueueNames.For<StartPipeline>());
        await endpoint.Send(request, cancellationToken);
        var accepted = Results.Json(new { pipelineId = request.PipelineId, modelName = request.ModelName }, PipelineApiJson.Options,
            statusCode: StatusCodes.Status202Accepted);
        return new AcceptedWithLocation($"/pipelines/{request.PipelineId}", accepted);
    }

    private static async Task<IResult> GetAsync(Guid id, IPipelineStatusReader reader, CancellationToken cancellationToken)
    {
        var status = await reader.GetAsync(id, cancellationToken);
        return status is null
            ? Results.Problem(title: "Unknown pipeline", detail: $"No pipeline with id {id} exists (or it has not started yet).",
                statusCode: StatusCodes.Status404NotFound)
            : Results.Json(status, PipelineApiJson.Options);
    }

    private static async Task<IResult> ListAsync(IPipelineStatusReader reader, int? count, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(count ?? DefaultListCount, 1, MaxListCount);
        return Results.Json(await reader.ListRecentAsync(take, cancellationToken), PipelineApiJson.Options);
    }
}

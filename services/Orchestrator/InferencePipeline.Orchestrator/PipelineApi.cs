using System.Text.Json;
using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Orchestrator.Api;
using InferencePipeline.Orchestrator.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// HTTP front door: <c>POST /pipelines</c> starts a run (202 + Location), <c>GET /pipelines/{id}</c> and
/// <c>GET /pipelines</c> (paged, newest first) read status, <c>POST /pipelines/{id}/cancel</c> stops a run. Starting
/// and cancelling only send a command to the saga's queue, so the API answers at once and works whichever process
/// hosts the saga. Every endpoint needs the API key (<see cref="ApiKeyAuthenticationHandler"/>); errors are problem bodies.
/// </summary>
public static class PipelineApi
{
    public const int DefaultListCount = 20;
    private const int MaxListCount = 500;

    /// <summary>The exception handler (problem bodies, 503 on outages) and the endpoints; call after <c>AddPipelineApi</c>.</summary>
    public static WebApplication MapPipelineApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // The handlers read and check the body themselves (to answer with field-level problems); the metadata below
        // is what the OpenAPI document at /openapi/v1.json says about them.
        var group = app.MapGroup("/pipelines").RequireAuthorization().WithTags("Pipelines")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("", StartAsync)
            .WithSummary("Start a pipeline run")
            .WithDescription("Only modelUri is required: an artifacts/ URI from POST /models, or a path under Pipeline:Models:AllowedRoots. " +
                             "inputDataUri, when given, follows the same rule: an artifacts/ URI from POST /input-data, or a path under those roots. " +
                             "Answers 202 with the run's id and a Location to poll.")
            .Accepts<StartPipeline>("application/json")
            .Produces<StartedPipeline>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync)
            .WithSummary("One run's status")
            .Produces<PipelineStatus>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("", ListAsync)
            .WithSummary("The recent runs, newest first")
            .WithDescription("count runs (default 20, at most 500) per page; a Link header with rel=\"next\" gives the next page.")
            .Produces<IReadOnlyList<PipelineStatus>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithSummary("Cancel a running pipeline")
            .WithDescription("?reason= is kept in the run's status. The run moves to Cancelled and its stages stop.")
            .Produces<CancellingPipeline>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        app.MapUploads();
        app.MapOpenApi();
        return app;
    }

    private static async Task<IResult> StartAsync(HttpRequest http, ISendEndpointProvider sendEndpoints, ModelSourcePolicy sources,
        IOptions<PipelineApiOptions> options, CancellationToken cancellationToken)
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
        // Checked before anything is queued; the stages that open the files check again, since they may get messages from elsewhere.
        if (!errors.ContainsKey(nameof(request.ModelUri)) && sources.Problem(request.ModelUri, requireArtifactExists: true) is { } sourceProblem)
            errors[nameof(request.ModelUri)] = [sourceProblem];
        if (!string.IsNullOrWhiteSpace(request.InputDataUri) &&
            sources.Problem(request.InputDataUri, requireArtifactExists: true, PipelineFileKind.InputData) is { } inputDataProblem)
            errors[nameof(request.InputDataUri)] = [inputDataProblem];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, title: "The pipeline request is invalid");

        await PipelineQueue.SendAsync(sendEndpoints, request, options.Value.BrokerTimeout, cancellationToken);
        var accepted = Results.Json(new StartedPipeline(request.PipelineId, request.ModelName), PipelineApiJson.Options,
            statusCode: StatusCodes.Status202Accepted);
        return new AcceptedWithLocation($"/pipelines/{request.PipelineId}", accepted);
    }

    private static async Task<IResult> GetAsync(Guid id, IPipelineStatusReader reader, CancellationToken cancellationToken)
    {
        var status = await reader.GetAsync(id, cancellationToken);
        return status is null ? UnknownPipeline(id) : Results.Json(status, PipelineApiJson.Options);
    }

    /// <summary>
    /// The newest runs first, <paramref name="count"/> at a time. When there are more, a <c>Link: &lt;...&gt;; rel="next"</c>
    /// header gives the next page's URL (<c>?after=</c> a position, stable while new runs start); the body stays a plain array.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext http, IPipelineStatusReader reader, int? count, string? after,
        CancellationToken cancellationToken)
    {
        var take = Math.Clamp(count ?? DefaultListCount, 1, MaxListCount);
        SagaIndexPosition? position = null;
        if (after is not null && !SagaIndexPosition.TryParse(after, out position))
        {
            return Results.Problem(title: "Unknown page position",
                detail: $"after='{after}' is not a position this API gave out; follow the Link header of the previous page, or leave after out for the newest runs.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var page = await reader.ListAsync(take, position, cancellationToken);
        if (page.Next is { } next)
        {
            http.Response.Headers.Link = $"</pipelines?count={take}&after={next}>; rel=\"next\"";
        }

        return Results.Json(page.Items, PipelineApiJson.Options);
    }

    /// <summary>
    /// Asks the saga to cancel a run: 202 once <see cref="CancelPipeline"/> is queued (the run then moves to Cancelled and
    /// its stages stop), 404 for an unknown run, 409 for one that has already ended.
    /// </summary>
    private static async Task<IResult> CancelAsync(Guid id, HttpRequest http, IPipelineStatusReader reader, ISendEndpointProvider sendEndpoints,
        IOptions<PipelineApiOptions> options, CancellationToken cancellationToken)
    {
        var status = await reader.GetAsync(id, cancellationToken);
        if (status is null)
            return UnknownPipeline(id);
        if (status.Finished)
        {
            return Results.Problem(title: "The pipeline has already ended",
                detail: $"Pipeline {id} is {status.State}; only a running pipeline can be cancelled.", statusCode: StatusCodes.Status409Conflict);
        }

        var reason = http.Query["reason"].ToString();
        var command = new CancelPipeline(id, string.IsNullOrWhiteSpace(reason) ? "Cancelled through the HTTP API" : reason.Trim());
        await PipelineQueue.SendAsync(sendEndpoints, command, options.Value.BrokerTimeout, cancellationToken);
        var accepted = Results.Json(new CancellingPipeline(id, status.State, Cancelling: true), PipelineApiJson.Options,
            statusCode: StatusCodes.Status202Accepted);
        return new AcceptedWithLocation($"/pipelines/{id}", accepted);
    }

    private static IResult UnknownPipeline(Guid id) =>
        Results.Problem(title: "Unknown pipeline",
            detail: $"No pipeline with id {id} exists (it has not started yet, or it finished longer ago than Pipeline:Retention).",
            statusCode: StatusCodes.Status404NotFound);
}

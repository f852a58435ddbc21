using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// <c>POST /models</c>: how a model reaches the system from outside. The file comes as the raw body
/// (<c>?name=model.onnx</c>) or as the file part of <c>multipart/form-data</c>, is streamed into the artifact store
/// (<see cref="ModelUploads"/>) up to <see cref="ModelIntakeOptions.MaxUploadBytes"/>, and the answer is
/// <c>201 { "modelUri": "artifacts/models/&lt;sha256&gt;/&lt;name&gt;", "sha256": ..., "bytes": ... }</c>, the URI to
/// start a pipeline with. The name must be a safe single file name (<see cref="ModelNames"/>).
/// </summary>
public static class ModelIntakeApi
{
    public static IEndpointRouteBuilder MapModelIntake(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/models").RequireAuthorization().WithTags("Models").MapPost("", UploadAsync)
            .WithSummary("Upload a model")
            .WithDescription("The model file as the raw body with ?name=model.onnx, or as the file part of multipart/form-data. " +
                             "Answers 201 with the artifacts/ URI to start a pipeline with, the file's SHA-256 and its size.")
            .Accepts<Stream>("application/octet-stream", "multipart/form-data")
            .Produces<StoredModel>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    private static async Task<IResult> UploadAsync(HttpContext http, ModelUploads uploads, IOptions<ModelIntakeOptions> options, CancellationToken ct)
    {
        var limit = options.Value.MaxUploadBytes;
        if (http.Request.ContentLength > limit + MultipartAllowance)
        {
            return TooLarge(limit);
        }

        // Kestrel's own default (30 MB) would cut real models off; our count below is exact, this is the backstop.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit + MultipartAllowance;
        }

        try
        {
            var (content, name, problem) = await OpenModelAsync(http.Request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (ModelNames.Problem(name) is { } nameProblem)
            {
                return Results.Problem(title: "The model's file name cannot be used", detail: nameProblem, statusCode: StatusCodes.Status400BadRequest);
            }

            var stored = await uploads.StoreAsync(content!, name!, limit, ct);
            return Results.Json(stored, PipelineApiJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (ModelTooLargeException)
        {
            return TooLarge(limit);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (InvalidDataException e)
        {
            return Results.Problem(title: "The upload is not a model file", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Room for the multipart boundaries and part headers around the file.</summary>
    private const long MultipartAllowance = 64 * 1024;

    /// <summary>The model's bytes and name: the first file part of a multipart body, or the raw body named by <c>?name=</c>.</summary>
    private static async Task<(Stream? Content, string? Name, IResult? Problem)> OpenModelAsync(HttpRequest request, CancellationToken ct)
    {
        var nameOverride = request.Query["name"].ToString();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return nameOverride.Length == 0
                ? (null, null, Results.Problem(title: "The model has no name",
                    detail: "Name the file: POST /models?name=model.onnx with the model as the body, or send multipart/form-data with the file as a part.",
                    statusCode: StatusCodes.Status400BadRequest))
                : (request.Body, nameOverride, null);
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return (null, null, Results.Problem(title: "The multipart body has no boundary", detail: "Send Content-Type: multipart/form-data; boundary=...",
                statusCode: StatusCodes.Status400BadRequest));
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
            {
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                return (section.Body, nameOverride.Length > 0 ? nameOverride : fileName, null);
            }
        }

        return (null, null, Results.Problem(title: "The multipart body holds no file",
            detail: "Send the model as a file part (Content-Disposition: form-data; name=\"model\"; filename=\"model.onnx\").",
            statusCode: StatusCodes.Status400BadRequest));
    }

    private static IResult TooLarge(long limit) =>
        Results.Problem(title: "The model is too large",
            detail: $"The upload limit is {limit} bytes ({ModelIntakeOptions.Section}:MaxUploadBytes); raise it on the orchestrator for larger models.",
            statusCode: StatusCodes.Status413PayloadTooLarge);
}

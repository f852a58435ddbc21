using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// How files reach the system from outside: <c>POST /models</c> (a model) and <c>POST /input-data</c> (perf_analyzer's
/// input-data JSON). The file comes as the raw body (<c>?name=model.onnx</c>) or as the file part of
/// <c>multipart/form-data</c>, is streamed into the artifact store (<see cref="UploadStore"/>) up to its limit
/// (<see cref="ModelIntakeOptions.MaxUploadBytes"/>, <see cref="ModelIntakeOptions.MaxInputDataBytes"/>), and the answer is
/// <c>201</c> with the artifact URI to start a pipeline with (<c>artifacts/models/&lt;sha256&gt;/&lt;name&gt;</c>,
/// <c>artifacts/input-data/&lt;sha256&gt;/&lt;name&gt;</c>), its SHA-256 and size. Input data is read with the stages' own
/// reader before it is kept, so a file they would refuse is refused here. The name must be a safe single file name
/// (<see cref="ModelNames"/>).
/// </summary>
public static class UploadApi
{
    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup(PipelineFileKind.Model.Route).RequireAuthorization().WithTags("Models").MapPost("", UploadModelAsync)
            .WithSummary("Upload a model")
            .WithDescription("The model file as the raw body with ?name=model.onnx, or as the file part of multipart/form-data. " +
                             "Answers 201 with the artifacts/ URI to start a pipeline with, the file's SHA-256 and its size.")
            .Accepts<Stream>("application/octet-stream", "multipart/form-data")
            .Produces<StoredModel>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        endpoints.MapGroup(PipelineFileKind.InputData.Route).RequireAuthorization().WithTags("Input data").MapPost("", UploadInputDataAsync)
            .WithSummary("Upload a pipeline's input data")
            .WithDescription("perf_analyzer's --input-data JSON ({\"data\": [{\"INPUT\": [...]}, ...]}) as the raw body with ?name=inputs.json, " +
                             "or as the file part of multipart/form-data. Answers 201 with the artifacts/ URI to give a pipeline as inputDataUri, " +
                             "the file's SHA-256 and its size; a file that is not such JSON is a 400 naming the problem.")
            .Accepts<Stream>("application/json", "application/octet-stream", "multipart/form-data")
            .Produces<StoredInputData>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    /// <summary>
    /// What differs between the two routes: the file's kind and example name, what a refused file is not, its folder,
    /// limit, check and answer.
    /// </summary>
    private sealed record Upload(
        PipelineFileKind Kind, string ExampleName, string RefusedAsNot, string Folder, long MaxBytes, string LimitSetting,
        Func<string, CancellationToken, Task>? Check, Func<StoredUpload, object> Answer);

    private static Task<IResult> UploadModelAsync(HttpContext http, UploadStore uploads, IOptions<ModelIntakeOptions> options, CancellationToken ct) =>
        UploadAsync(http, uploads, new Upload(PipelineFileKind.Model, "model.onnx", "a model file", UploadStore.ModelsFolder, options.Value.MaxUploadBytes,
            $"{ModelIntakeOptions.Section}:MaxUploadBytes", Check: null, StoredModel.From), ct);

    private static Task<IResult> UploadInputDataAsync(HttpContext http, UploadStore uploads, IOptions<ModelIntakeOptions> options, CancellationToken ct) =>
        UploadAsync(http, uploads, new Upload(PipelineFileKind.InputData, "inputs.json", "usable input data", UploadStore.InputDataFolder, options.Value.MaxInputDataBytes,
            $"{ModelIntakeOptions.Section}:MaxInputDataBytes", CheckInputData, StoredInputData.From), ct);

    /// <summary>The stages' reader (<see cref="PerfAnalyzerInputData"/>) on the uploaded file: what it refuses, the upload refuses.</summary>
    private static async Task CheckInputData(string path, CancellationToken ct)
    {
        // Parse, not Load: Load's messages name the file, here a temporary one that means nothing to the client.
        var json = await File.ReadAllTextAsync(path, ct);
        try
        {
            PerfAnalyzerInputData.Parse(json);
        }
        catch (InputDataException e)
        {
            throw new InvalidDataException($"It is not perf_analyzer input-data JSON that the stages can read: {e.Message}", e);
        }
    }

    private static async Task<IResult> UploadAsync(HttpContext http, UploadStore uploads, Upload upload, CancellationToken ct)
    {
        var limit = upload.MaxBytes;
        if (http.Request.ContentLength > limit + MultipartAllowance)
        {
            return TooLarge(upload);
        }

        // Kestrel's own default (30 MB) would cut real models off; our count below is exact, this is the backstop.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit + MultipartAllowance;
        }

        try
        {
            var (content, name, problem) = await OpenFileAsync(http.Request, upload, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (ModelNames.Problem(name) is { } nameProblem)
            {
                return Results.Problem(title: $"The {upload.Kind.Noun}'s file name cannot be used", detail: nameProblem, statusCode: StatusCodes.Status400BadRequest);
            }

            var stored = await uploads.StoreAsync(content!, upload.Folder, name!, limit, upload.Check, ct);
            return Results.Json(upload.Answer(stored), PipelineApiJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (UploadTooLargeException)
        {
            return TooLarge(upload);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(upload);
        }
        catch (InvalidDataException e)
        {
            return Results.Problem(title: $"The upload is not {upload.RefusedAsNot}",
                detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Room for the multipart boundaries and part headers around the file.</summary>
    private const long MultipartAllowance = 64 * 1024;

    /// <summary>The file's bytes and name: the first file part of a multipart body, or the raw body named by <c>?name=</c>.</summary>
    private static async Task<(Stream? Content, string? Name, IResult? Problem)> OpenFileAsync(HttpRequest request, Upload upload, CancellationToken ct)
    {
        var nameOverride = request.Query["name"].ToString();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return nameOverride.Length == 0
                ? (null, null, Results.Problem(title: $"The {upload.Kind.Noun} has no name",
                    detail: $"Name the file: {upload.Kind.UploadRoute}?name={upload.ExampleName} with the file as the body, or send multipart/form-data with the file as a part.",
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
            detail: $"Send the {upload.Kind.Noun} as a file part (Content-Disposition: form-data; name=\"file\"; filename=\"{upload.ExampleName}\").",
            statusCode: StatusCodes.Status400BadRequest));
    }

    private static IResult TooLarge(Upload upload) =>
        Results.Problem(title: $"The {upload.Kind.Noun} is too large",
            detail: $"The upload limit is {upload.MaxBytes} bytes ({upload.LimitSetting}); raise it on the orchestrator for larger files.",
            statusCode: StatusCodes.Status413PayloadTooLarge);
}

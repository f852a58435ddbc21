using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>Refusals as Triton's HTTP endpoint gives them: a JSON body {"error": "..."} and the HTTP status of the error kind.</summary>
internal static class RestErrors
{
    public static IResult From(InferenceException e) =>
        Results.Json(new ErrorBody(e.Message), RestJsonContext.Default.ErrorBody, statusCode: StatusFor(e.Code));

    /// <summary>Triton maps NOT_FOUND to 404, UNAVAILABLE to 503, INTERNAL to 500 and everything else to 400.</summary>
    public static int StatusFor(StatusCode code) => code switch
    {
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.Internal => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status400BadRequest,
    };
}

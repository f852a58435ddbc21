using Microsoft.AspNetCore.Http;

namespace InferencePipeline.Orchestrator;

/// <summary>A JSON 202 that also names where to poll, since Results.Accepted would serialize with the host's JSON options.</summary>
internal sealed class AcceptedWithLocation(string location, IResult json) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = location;
        return json.ExecuteAsync(httpContext);
    }
}

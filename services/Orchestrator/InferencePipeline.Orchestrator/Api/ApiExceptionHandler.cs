using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// The API's last word on an exception: a 503 with <c>Retry-After</c> when Redis or RabbitMQ is down
/// (<see cref="DependencyOutage"/>), a 500 otherwise; both as problem bodies that never carry the exception's text
/// (it can name hosts, ports and internals), which goes to the log with the request's trace id instead.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = httpContext.TraceIdentifier;
        ProblemDetails problem;
        if (DependencyOutage.Of(exception) is { } dependency)
        {
            logger.LogWarning("{Method} {Path} answered 503: {Dependency} is unavailable ({Error}) [trace {TraceId}]",
                httpContext.Request.Method, httpContext.Request.Path, dependency, exception.Message, traceId);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = $"{dependency} is unavailable",
                Detail = DependencyOutage.Detail(dependency, RetryAfterSeconds),
            };
        }
        else
        {
            logger.LogError(exception, "{Method} {Path} failed [trace {TraceId}]", httpContext.Request.Method, httpContext.Request.Path, traceId);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "The orchestrator failed to handle the request",
                Detail = $"The orchestrator's log has the details under trace id {traceId}.",
            };
        }

        problem.Extensions["traceId"] = traceId;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }
}

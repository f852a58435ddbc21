using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// Authenticates a request by the API key it sends as <c>Authorization: Bearer &lt;key&gt;</c>, compared in constant
/// time. A request without it, or with another key, is challenged with a 401 problem body that says which of the two
/// happened and how to send the key; nothing else about the key leaks.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<PipelineApiOptions> apiOptions,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string BearerPrefix = "Bearer ";

    private readonly byte[] _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(apiOptions.Value.Key?.Trim() ?? ""));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hashing first gives both sides the same length, so the comparison time says nothing about the key.
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (!CryptographicOperations.FixedTimeEquals(presentedHash, _expectedHash))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key does not match."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var sent = PresentedKey(Request) is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = sent ? "Bearer error=\"invalid_token\"" : "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = sent ? "Wrong API key" : "API key required",
                Detail = (sent ? "The API key sent is not the orchestrator's. " : "This endpoint needs the orchestrator's API key. ") +
                         "Send it as 'Authorization: Bearer <key>': the AppHost's 'api-key' parameter (a secret on the dashboard); " +
                         "inferpipe takes it as --api-key or INFERPIPE_API_KEY.",
            },
        });
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = header[BearerPrefix.Length..].Trim();
        return key.Length == 0 ? null : key;
    }
}

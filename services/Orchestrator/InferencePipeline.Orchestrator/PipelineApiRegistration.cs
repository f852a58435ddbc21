using InferencePipeline.Artifacts;
using InferencePipeline.Orchestrator.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Orchestrator;

public static class PipelineApiRegistration
{
    /// <summary>
    /// What the HTTP API needs besides the bus: its settings (<c>Pipeline:Api</c>, checked at start: no key, no API),
    /// the API-key authentication every endpoint but /health requires, problem bodies for every error, and model intake:
    /// the artifact store uploads go to and the rule on which models and input data a request may name (<c>Pipeline:Models</c>), and the
    /// OpenAPI document (<c>/openapi/v1.json</c>, open like /health: it describes the API, it grants nothing).
    /// </summary>
    public static IHostApplicationBuilder AddPipelineApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PipelineApiOptions>()
            .BindConfiguration(PipelineApiOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PipelineApiOptions>, PipelineApiOptionsValidation>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddModelIntake();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<ApiKeySecurityScheme>());
        return builder;
    }
}

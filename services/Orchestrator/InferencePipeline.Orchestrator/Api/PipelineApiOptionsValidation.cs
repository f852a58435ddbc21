using Microsoft.Extensions.Options;

namespace InferencePipeline.Orchestrator.Api;

/// <summary>Refuses to start the API with unusable settings, with <see cref="PipelineApiOptions.Problem"/> as the reason.</summary>
internal sealed class PipelineApiOptionsValidation : IValidateOptions<PipelineApiOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineApiOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

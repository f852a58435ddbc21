using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>
/// One entry of <c>profile_models</c>: the model's name in the repository and what the file says for it alone.
/// Null members were not given; <see cref="ModelAnalyzerConfig"/> resolves them against the global settings.
/// </summary>
/// <param name="ModelConfigParameters">The <c>model_config_parameters</c> tree; null when the model has none (automatic search).</param>
public sealed record ProfileModelSpec(
    string Name,
    ParameterMap? ModelConfigParameters,
    LoadParameters Parameters,
    PerfAnalyzerFlags PerfAnalyzerFlags,
    IReadOnlyList<MetricConstraint>? Constraints,
    IReadOnlyList<Objective>? Objectives);

using InferencePipeline.Contracts;

namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>One entry of <c>analysis_models</c>: a model to report on, with constraints and objectives of its own when given.</summary>
public sealed record AnalysisModelSpec(string Name, IReadOnlyList<MetricConstraint>? Constraints, IReadOnlyList<Objective>? Objectives);

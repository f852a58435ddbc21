using InferencePipeline.Stages;

namespace InferencePipeline.Analyzer;

/// <summary>The results cannot be analysed as asked (nothing meets the budget, unknown objective...): a user error, not retried.</summary>
public sealed class AnalysisException(string message) : StageFailedException(message);

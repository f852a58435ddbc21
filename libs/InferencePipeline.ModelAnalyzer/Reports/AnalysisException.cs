namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>The results cannot be analysed as asked (nothing meets the constraints, an unknown objective...): a user error.</summary>
public sealed class AnalysisException(string message) : Exception(message);

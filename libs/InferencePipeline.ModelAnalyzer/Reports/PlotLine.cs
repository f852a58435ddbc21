namespace InferencePipeline.ModelAnalyzer.Reports;

/// <summary>One line of a report plot: its legend and its measurements, in load order.</summary>
public sealed record PlotLine(string Label, IReadOnlyList<AnalyzedMeasurement> Points);

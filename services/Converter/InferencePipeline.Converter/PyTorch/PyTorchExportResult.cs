using InferencePipeline.Contracts;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// An accepted export: the ONNX file, its interface as ONNX Runtime sees it (-1 for dynamic dims), how far
/// ONNX Runtime's outputs are from PyTorch's on the same generated inputs (per output, the largest over every
/// checked batch size) and what ran the export.
/// </summary>
public sealed record PyTorchExportResult(
    string OnnxPath,
    PyTorchFileKind SourceKind,
    int Opset,
    IReadOnlyList<TensorSpec> InputSpecs,
    IReadOnlyList<TensorSpec> OutputSpecs,
    IReadOnlyDictionary<string, double> MaxAbsDiff,
    double Tolerance,
    IReadOnlyList<int> CheckedBatchSizes,
    string PythonVersion,
    string TorchVersion,
    TimeSpan ExportTime,
    TimeSpan Elapsed,
    IReadOnlyList<string> Notes)
{
    /// <summary>The largest difference over all outputs.</summary>
    public double WorstAbsDiff => MaxAbsDiff.Count == 0 ? 0 : MaxAbsDiff.Values.Max();
}

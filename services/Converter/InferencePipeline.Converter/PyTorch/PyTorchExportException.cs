namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// An export that cannot be accepted. <see cref="Summary"/> is one user-facing line naming the problem and the
/// fix (for a CLI's one-line error or a StageFailed reason); <see cref="Exception.Message"/> adds the last lines
/// of python's stderr when python ran.
/// </summary>
public sealed class PyTorchExportException : Exception
{
    public PyTorchExportException(PyTorchExportError error, string summary, string? stderrTail = null, Exception? inner = null)
        : base(string.IsNullOrWhiteSpace(stderrTail) ? summary : $"{summary}{Environment.NewLine}Last lines of python's stderr:{Environment.NewLine}{stderrTail}", inner)
    {
        Error = error;
        Summary = summary;
        StderrTail = stderrTail ?? "";
    }

    public PyTorchExportError Error { get; }

    public string Summary { get; }

    public string StderrTail { get; }
}

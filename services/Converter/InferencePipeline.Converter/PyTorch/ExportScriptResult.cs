namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// The <c>result.json</c> the export script writes. On success: the output names and, per check, the example
/// inputs and PyTorch's outputs as raw little-endian files in the work folder. On failure: a <see cref="Kind"/>
/// (<c>state_dict</c>, <c>unsupported_operator</c>, ...) and the cause.
/// </summary>
public sealed record ExportScriptResult(
    bool Ok,
    string? Kind,
    string? Message,
    string? PythonVersion,
    string? TorchVersion,
    IReadOnlyList<string>? OutputNames,
    IReadOnlyList<ExportScriptResult.Check>? Checks,
    double ExportSeconds)
{
    public sealed record Check(int Batch, IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor> Outputs);

    public sealed record Tensor(string Name, string Datatype, IReadOnlyList<long> Shape, string File);
}

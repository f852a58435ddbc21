namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// The JSON the export script reads (snake_case on the wire, see <see cref="ExportScriptJson"/>): the model, how
/// to load it (<c>torchscript</c> or <c>pickle</c>), the inputs with KServe datatypes, the export settings and the
/// example sizes of each check (the first one is also the export's example).
/// </summary>
public sealed record ExportScriptRequest(
    string ModelPath,
    string ModelKind,
    string OnnxPath,
    string WorkDir,
    IReadOnlyList<ExportScriptRequest.Input> Inputs,
    IReadOnlyList<string> OutputNames,
    int Opset,
    int MemoryLimitMb,
    int Seed,
    int ExampleIdLimit,
    IReadOnlyList<ExportScriptRequest.Check> Checks)
{
    public sealed record Input(string Name, string Datatype, IReadOnlyList<long> Shape);

    public sealed record Check(int Batch, int OpenSize);
}

namespace InferencePipeline.Converter.PyTorch;

/// <summary>Why an export was refused or failed; each has its own message naming the problem and the fix.</summary>
public enum PyTorchExportError
{
    InvalidRequest,
    ModelFileMissing,
    CorruptFile,
    UntrustedPickle,
    StateDict,
    NotAModel,
    LoadFailed,
    PythonMissing,
    TorchMissing,
    TimedOut,
    OutOfMemory,
    PythonCrashed,
    InputCountMismatch,
    ModelRejectedInputs,
    OutputCountMismatch,
    UnsupportedOutput,
    UnsupportedOpset,
    UnsupportedOperator,
    FusedTransformer,
    ExportFailed,
    OnnxRuntimeRejected,
    DynamicAxisBroken,
    OutputMismatch,
}

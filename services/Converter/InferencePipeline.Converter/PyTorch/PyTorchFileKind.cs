namespace InferencePipeline.Converter.PyTorch;

/// <summary>What a PyTorch file is, told from its bytes without loading it.</summary>
public enum PyTorchFileKind
{
    /// <summary>A torch.jit.save zip (constants.pkl, code/): loaded by torch.jit.load, which runs no Python pickle.</summary>
    TorchScript,

    /// <summary>A torch.save zip (data.pkl without TorchScript code): a Python pickle, which runs code when loaded.</summary>
    Pickle,

    /// <summary>A torch.save file in the pre-1.6 format: a bare Python pickle stream.</summary>
    LegacyPickle,
}

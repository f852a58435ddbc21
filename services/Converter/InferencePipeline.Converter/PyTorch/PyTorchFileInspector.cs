using System.IO.Compression;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// Tells a TorchScript archive from a pickled model by reading the file's bytes and zip directory only, so an
/// untrusted pickle is never opened by Python. torch.jit.save writes a zip whose single top folder holds
/// <c>constants.pkl</c> and <c>code/</c>; torch.save writes a zip with <c>data.pkl</c> and tensor files only;
/// torch.save before PyTorch 1.6 wrote a bare pickle stream (first byte 0x80, the pickle PROTO opcode).
/// </summary>
public static class PyTorchFileInspector
{
    private const byte PickleProtocolOpcode = 0x80;

    public static PyTorchFileKind Detect(string path)
    {
        byte[] head = new byte[8];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == 0)
        {
            throw Corrupt(path, "the file is empty");
        }

        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return FromZip(path);
        }

        if (head[0] == PickleProtocolOpcode)
        {
            return PyTorchFileKind.LegacyPickle;
        }

        throw new PyTorchExportException(PyTorchExportError.CorruptFile,
            $"'{path}' is neither a TorchScript archive nor a torch.save file (it starts with bytes {Convert.ToHexString(head, 0, read)}). " +
            "Save the model with torch.jit.save(torch.jit.trace(model, example_inputs), path) or torch.save(model, path).");
    }

    private static PyTorchFileKind FromZip(string path)
    {
        bool torchScript = false, pickle = false;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                // Entries sit under one top folder named after the file: "<name>/constants.pkl".
                var name = entry.FullName;
                int slash = name.IndexOf('/');
                var inner = slash < 0 ? name : name[(slash + 1)..];
                torchScript |= inner == "constants.pkl" || inner.StartsWith("code/", StringComparison.Ordinal);
                pickle |= inner == "data.pkl";
            }
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, $"its zip archive is corrupt or truncated ({e.Message.TrimEnd('.')})", e);
        }

        return torchScript ? PyTorchFileKind.TorchScript
            : pickle ? PyTorchFileKind.Pickle
            : throw new PyTorchExportException(PyTorchExportError.CorruptFile,
                $"'{path}' is a zip archive without TorchScript code (constants.pkl, code/) or a torch.save pickle (data.pkl), so not a PyTorch model. " +
                "Save the model with torch.jit.save or torch.save and send that file.");
    }

    private static PyTorchExportException Corrupt(string path, string why, Exception? inner = null) =>
        new(PyTorchExportError.CorruptFile,
            $"'{path}' is not a readable PyTorch file: {why}. Save or copy the model again (torch.jit.save or torch.save) and check that the whole file arrived.",
            inner: inner);
}

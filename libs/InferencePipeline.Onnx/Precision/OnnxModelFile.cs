using Google.Protobuf;
using InferencePipeline.Onnx.Files;
using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// Reads and writes ONNX model files for graph transforms, with errors that name the file and the cause; a model read
/// here has its external data inline.
/// </summary>
public static class OnnxModelFile
{
    public static ModelProto Load(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new InvalidModelException(modelPath, $"model file '{modelPath}' does not exist", new FileNotFoundException(null, modelPath));
        }

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException)
        {
            throw new InvalidModelException(modelPath, $"'{modelPath}' cannot be read as ONNX (corrupt or truncated?): {e.Message}", e);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new InvalidModelException(modelPath, $"'{modelPath}' parses but holds no graph: it is not an ONNX model (or is truncated)");
        }

        // Transforms read every weight and write one file: external data comes inline (the saved model stands alone).
        ExternalDataInlining.Inline(model, modelPath);
        return model;
    }

    /// <summary>Writes via a temp file and a rename, so a reader (a serving process) never sees a partial model.</summary>
    public static void Save(ModelProto model, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        string full = Path.GetFullPath(modelPath);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = File.Create(temp))
            {
                model.WriteTo(stream);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}

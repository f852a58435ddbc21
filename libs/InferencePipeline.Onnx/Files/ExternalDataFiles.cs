using InferencePipeline.ModelRepository.OnnxFiles;

namespace InferencePipeline.Onnx.Files;

/// <summary>
/// The rule for a model's external-data files: each one a file inside the model's own folder, named by a relative
/// location without "..", long enough for every tensor it holds. ONNX Runtime refuses the others at load time
/// too, but only after a pipeline would have read or copied them; checked here, the message names the tensor,
/// the file and the fix, and nothing outside the model's folder is ever opened.
/// </summary>
public static class ExternalDataFiles
{
    private const string SaveHint =
        "onnx.save_model(model, path, save_as_external_data=True, location=\"model.onnx.data\") writes them beside the model";

    /// <summary>The distinct files (relative to the model's folder) the model's tensors live in; empty when it keeps all inline.</summary>
    /// <exception cref="InvalidModelException">A location is absolute, leaves the folder, or names a missing or short file.</exception>
    public static IReadOnlyList<string> Check(string modelPath, OnnxFileFacts facts)
    {
        var files = new List<string>();
        if (facts.ExternalData.Count == 0)
        {
            return files;
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        string model = Path.GetFileName(modelPath);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tensor in facts.ExternalData)
        {
            string location = tensor.Location;
            string path = Resolve(modelPath, folder, model, tensor);
            if (!sizes.TryGetValue(location, out long size))
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    throw Refused(modelPath,
                        $"'{model}' keeps tensor '{tensor.TensorName}' in external-data file '{location}', which is not in the model's folder " +
                        $"(looked at {path}). Copy every external-data file of the model beside it: {string.Join(", ", facts.ExternalData.Select(t => t.Location).Distinct())}");
                }

                if (info.LinkTarget is not null && !Inside(folder, info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path))
                {
                    throw Refused(modelPath,
                        $"'{model}' keeps tensor '{tensor.TensorName}' in '{location}', a link to a file outside the model's folder. " +
                        "Put the external-data file itself beside the model");
                }

                size = info.Length;
                sizes[location] = size;
                files.Add(location);
            }

            long needed = tensor.Offset + (tensor.Length ?? 0);
            if (tensor.Offset < 0 || tensor.Length < 0 || needed > size)
            {
                throw Refused(modelPath,
                    $"'{model}' keeps tensor '{tensor.TensorName}' at bytes {tensor.Offset}..{needed} of '{location}', which holds {size} bytes: " +
                    "the external-data file is truncated or belongs to another version of the model. Copy it again with the model");
            }
        }

        return files;
    }

    private static string Resolve(string modelPath, string folder, string model, ExternalTensorData tensor)
    {
        string location = tensor.Location;
        if (string.IsNullOrWhiteSpace(location))
        {
            throw Refused(modelPath, $"'{model}' marks tensor '{tensor.TensorName}' as external data but names no file (no 'location'). Save the model again; {SaveHint}");
        }

        if (Path.IsPathRooted(location))
        {
            throw Refused(modelPath,
                $"'{model}' keeps tensor '{tensor.TensorName}' in '{location}', an absolute path; external-data files must sit in the model's folder, " +
                $"named relative to it. Save the model again; {SaveHint}");
        }

        string path = Path.GetFullPath(Path.Combine(folder, location));
        if (location.Split('/', '\\').Contains("..") || !Inside(folder, path))
        {
            throw Refused(modelPath,
                $"'{model}' keeps tensor '{tensor.TensorName}' in '{location}', outside the model's folder; external-data files must sit in the model's folder " +
                $"(no '..'), so a model can be copied whole and never reads other files. Save the model again; {SaveHint}");
        }

        return path;
    }

    private static bool Inside(string folder, string path) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static InvalidModelException Refused(string modelPath, string message) => new(modelPath, message + ".", remedyIncluded: true);
}

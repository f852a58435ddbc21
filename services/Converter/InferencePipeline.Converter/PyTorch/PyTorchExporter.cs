using System.Diagnostics;
using System.Text.Json;
using InferencePipeline.Contracts;
using InferencePipeline.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// PyTorch → ONNX, as OLive's <c>convert</c> did for the seed: loads a TorchScript archive or (only when trusted)
/// a pickled model in a child python with time and memory limits, exports with <c>torch.onnx.export</c> (dynamic
/// batch axis on every input and output, named dynamic axes for the other open dims), and accepts the result
/// only when ONNX Runtime reproduces PyTorch's outputs on generated inputs at two batch sizes.
/// <para>Everything is written inside the folder of <see cref="PyTorchExportRequest.OnnxPath"/>: the work happens
/// in a temporary subfolder there, and the model is moved into place only when it passed the check.</para>
/// </summary>
public sealed class PyTorchExporter(IOptions<PyTorchExportOptions> options, ILogger<PyTorchExporter>? logger = null)
{
    private const string ScriptResource = "InferencePipeline.Converter.PyTorch.pytorch_export.py";
    private const string WorkFolderPrefix = ".pytorch-export-";
    private const int ExportBatch = 2;
    private const int CheckBatch = 3;

    private readonly ILogger _logger = logger ?? NullLogger<PyTorchExporter>.Instance;

    public PyTorchExporter(PyTorchExportOptions options)
        : this(Options.Create(options))
    {
    }

    public async Task<PyTorchExportResult> ExportAsync(PyTorchExportRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        var valid = PyTorchExportRequestValidator.Validate(request, settings);

        string modelPath = Path.GetFullPath(request.ModelPath);
        if (!File.Exists(modelPath))
        {
            throw new PyTorchExportException(PyTorchExportError.ModelFileMissing,
                $"PyTorch model file '{request.ModelPath}' does not exist. Give the path of a TorchScript (.pt) or torch.save (.pth) file.");
        }

        var kind = PyTorchFileInspector.Detect(modelPath);
        if (kind != PyTorchFileKind.TorchScript && !request.TrustPickle)
        {
            throw new PyTorchExportException(PyTorchExportError.UntrustedPickle,
                $"'{request.ModelPath}' is a pickled PyTorch model (torch.save), and loading a pickle runs code from the file, so it is loaded only when trusted. " +
                "If you trust its source, pass --trust-pickle (pipeline request field TrustPickle: true); otherwise save it as TorchScript " +
                "(torch.jit.save(torch.jit.trace(model, example_inputs), path)), which loads without running Python code.");
        }

        string onnxPath = Path.GetFullPath(request.OnnxPath);
        string outputFolder = Path.GetDirectoryName(onnxPath)!;
        var createdFolders = new NewFolders(outputFolder);
        Directory.CreateDirectory(outputFolder);
        string work = Path.Combine(outputFolder, WorkFolderPrefix + Guid.NewGuid().ToString("N"));
        string exportFolder = Path.Combine(work, "onnx");
        Directory.CreateDirectory(exportFolder);
        bool accepted = false;
        try
        {
            var run = await RunScriptAsync(settings, work, new ExportScriptRequest(
                modelPath,
                kind == PyTorchFileKind.TorchScript ? "torchscript" : "pickle",
                Path.Combine(exportFolder, "model.onnx"),
                work,
                valid.Inputs.Select(i => new ExportScriptRequest.Input(i.Name, i.DataType, i.Shape)).ToList(),
                valid.OutputNames,
                request.Opset,
                settings.MemoryLimitMb,
                settings.Seed,
                settings.ExampleIdLimit,
                [new(ExportBatch, settings.ExampleOpenDimSize), new(CheckBatch, 2 * settings.ExampleOpenDimSize)]), ct);

            var script = ReadResult(work, run, settings, modelPath);
            if (!script.Ok)
            {
                throw ExportScriptFailure.ToException(script, run, request.ModelPath, request.Opset, settings.PythonPath, settings.MemoryLimitMb);
            }

            var notes = new List<string>();
            string exported = Path.Combine(exportFolder, "model.onnx");
            var diffs = OnnxExportCheck.Run(exported, script.Checks!, work, valid.Tolerance, notes);
            var info = OnnxModelInspector.Inspect(exported);
            MoveIntoPlace(exportFolder, onnxPath);
            accepted = true;

            var result = new PyTorchExportResult(
                onnxPath, kind, request.Opset, info.Inputs, info.Outputs, diffs, valid.Tolerance,
                script.Checks!.Select(c => c.Batch).ToList(), script.PythonVersion ?? "", script.TorchVersion ?? "",
                TimeSpan.FromSeconds(script.ExportSeconds), Stopwatch.GetElapsedTime(started), notes);
            _logger.LogInformation(
                "Exported {Model} ({Kind}) to {Onnx} at opset {Opset} in {Elapsed:F1} s with torch {Torch}: max |diff| {Diff:G3} over batches {Batches}",
                request.ModelPath, kind, onnxPath, request.Opset, result.Elapsed.TotalSeconds, result.TorchVersion, result.WorstAbsDiff,
                string.Join(", ", result.CheckedBatchSizes));
            return result;
        }
        finally
        {
            TryDelete(work);
            if (!accepted)
            {
                createdFolders.RemoveEmpty();
            }
        }
    }

    private static async Task<PythonRun> RunScriptAsync(PyTorchExportOptions settings, string work, ExportScriptRequest script, CancellationToken ct)
    {
        string scriptPath = Path.Combine(work, "pytorch_export.py");
        await using (var resource = typeof(PyTorchExporter).Assembly.GetManifestResourceStream(ScriptResource)
                                    ?? throw new InvalidOperationException($"embedded resource {ScriptResource} is missing from the assembly"))
        await using (var file = File.Create(scriptPath))
        {
            await resource.CopyToAsync(file, ct);
        }

        string requestPath = Path.Combine(work, "request.json");
        await File.WriteAllTextAsync(requestPath, JsonSerializer.Serialize(script, ExportScriptJson.Options), ct);

        // Temporary files of python and torch stay in the work folder; no bytecode is written next to the script.
        var environment = new Dictionary<string, string>
        {
            ["TMPDIR"] = work,
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONUNBUFFERED"] = "1",
        };
        return await PythonProcess.RunAsync(settings.PythonPath, [scriptPath, requestPath], work, environment, settings.Timeout, settings.StderrTailLines, ct);
    }

    private static ExportScriptResult ReadResult(string work, PythonRun run, PyTorchExportOptions settings, string modelPath)
    {
        if (run.TimedOut)
        {
            throw new PyTorchExportException(PyTorchExportError.TimedOut,
                $"The PyTorch export of '{modelPath}' did not finish within {settings.Timeout} and was stopped. Raise {PyTorchExportOptions.Section}:Timeout " +
                "for a big model, or check that the model's forward() ends.", run.StderrTail);
        }

        string resultPath = Path.Combine(work, "result.json");
        if (!File.Exists(resultPath))
        {
            string how = run.ExitCode > 128 ? $"was killed by signal {run.ExitCode - 128}" : $"exited with code {run.ExitCode}";
            throw new PyTorchExportException(PyTorchExportError.PythonCrashed,
                $"'{settings.PythonPath}' {how} without a result while exporting '{modelPath}'. Check that {PyTorchExportOptions.Section}:PythonPath " +
                "is a Python 3 with torch; a crash inside torch (a signal) may need more memory or another torch build.", run.StderrTail);
        }

        var result = JsonSerializer.Deserialize<ExportScriptResult>(File.ReadAllText(resultPath), ExportScriptJson.Options)
                     ?? throw new InvalidDataException($"{resultPath} holds no result");
        if (result.Ok && (result.Checks is not { Count: > 0 } || result.OutputNames is null))
        {
            throw new InvalidDataException($"{resultPath} reports success without checks");
        }

        return result;
    }

    /// <summary>The model file becomes <paramref name="onnxPath"/>; external-data files (models over 2 GB) keep their names beside it.</summary>
    private static void MoveIntoPlace(string exportFolder, string onnxPath)
    {
        string folder = Path.GetDirectoryName(onnxPath)!;
        foreach (var file in Directory.EnumerateFiles(exportFolder))
        {
            string name = Path.GetFileName(file);
            if (name != "model.onnx")
            {
                File.Move(file, Path.Combine(folder, name), overwrite: true);
            }
        }

        File.Move(Path.Combine(exportFolder, "model.onnx"), onnxPath, overwrite: true);
    }

    private void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not delete the export's work folder {Folder}", folder);
        }
    }
}

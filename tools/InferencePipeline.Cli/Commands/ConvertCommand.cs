using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.ModelRepository.OnnxFiles;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe convert</c>: OLive's <c>convert</c> on its own. A PyTorch file is exported by the converter's
/// <see cref="PyTorchExporter"/> (child python, checked against PyTorch's outputs); an ONNX file is checked the way
/// the converter stage checks it and copied with its external data. When the output is a Triton repository entry
/// (<c>DIR/NAME/&lt;version&gt;/model.onnx</c>) the baseline <c>DIR/NAME/config.pbtxt</c> is written beside it, as
/// the stage writes it. Any failure is one line and a non-zero exit code, and leaves nothing behind.
/// </summary>
public sealed class ConvertCommand(IAnsiConsole console) : AsyncCommand<ConvertSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ConvertSettings settings, CancellationToken cancellationToken)
    {
        string source = Path.GetFullPath(settings.ModelPath!);
        string target = Path.GetFullPath(settings.OnnxModelPath!);
        settings.Declared(out var declared, out _);
        var created = new NewFolders(Path.GetDirectoryName(target)!);
        try
        {
            var model = settings.IsPyTorch
                ? await ExportAsync(settings, source, target, declared, cancellationToken)
                : await CopyOnnxAsync(settings, source, target, declared, cancellationToken);
            await WriteConfigIfEntryAsync(target, model, cancellationToken);
            return 0;
        }
        catch (Exception e) when (Describe(e) is { } reason)
        {
            created.RemoveEmpty();
            console.MarkupLine($"[red]convert failed:[/] {Markup.Escape(reason)}");
            return 1;
        }
    }

    private async Task<OnnxModelInfo> ExportAsync(
        ConvertSettings settings, string source, string target, IReadOnlyList<TensorSpec> declared, CancellationToken ct)
    {
        console.MarkupLine($"Exporting [bold]{Markup.Escape(source)}[/] to ONNX at opset {settings.OnnxOpset} with torch.onnx.export in a child python...");
        var exporter = new PyTorchExporter(new PyTorchExportOptions());
        var result = await exporter.ExportAsync(
            new PyTorchExportRequest(source, target, declared, settings.Outputs, settings.OnnxOpset, settings.TrustPickle), ct);
        console.MarkupLine(
            $"Exported {result.SourceKind} model with torch {Markup.Escape(result.TorchVersion)} in {result.Elapsed.TotalSeconds:0.0} s: " +
            $"ONNX Runtime matches PyTorch within {result.WorstAbsDiff:G2} (tolerance {result.Tolerance:G2}) at batch sizes {string.Join(", ", result.CheckedBatchSizes)}.");
        foreach (var note in result.Notes)
        {
            console.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}");
        }

        if (settings.FrameworkVersion is { Length: > 0 } wanted && !SameVersion(wanted, result.TorchVersion))
        {
            console.MarkupLine(
                $"[yellow]Warning:[/] --framework_version {Markup.Escape(wanted)}, but this machine exported with torch {Markup.Escape(result.TorchVersion)}. " +
                "The export's check against PyTorch's outputs passed with that torch; a model saved by a newer torch may not load in an older one.");
        }

        return Report(OnnxModelInspector.Inspect(target), target);
    }

    private async Task<OnnxModelInfo> CopyOnnxAsync(
        ConvertSettings settings, string source, string target, IReadOnlyList<TensorSpec> declared, CancellationToken ct)
    {
        var model = OnnxModelInspector.Inspect(source);
        // Types or shapes left out of the flags take the model's, so only what was given is checked.
        var own = model.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var given = declared.Select(d => own.TryGetValue(d.Name, out var m)
            ? d with { DataType = d.DataType.Length > 0 ? d.DataType : m.DataType, Shape = d.Shape.Count > 0 ? d.Shape : m.Shape }
            : d).ToList();
        var outputs = settings.Outputs.Select(name => model.Outputs.FirstOrDefault(o => o.Name == name) ?? new TensorSpec(name, "", [])).ToList();
        var problems = SignatureCheck.Problems("input", given, model.Inputs)
            .Concat(SignatureCheck.Problems("output", outputs, model.Outputs))
            .ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"'{source}' does not have the interface the flags declare: {string.Join("; ", problems)}. Fix --input_names/--input_types/--input_shapes/--output_names, or leave them out.");
        }

        if (settings.FrameworkVersion is not null)
        {
            console.MarkupLine("[yellow]Note:[/] --framework_version is the PyTorch version of a PyTorch model; an ONNX model says its own opset.");
        }

        await OnnxModelFiles.CopyAsync(source, target, model.ExternalDataFiles ?? [], ct);
        console.MarkupLine($"Checked and copied the ONNX model{(model.ExternalDataFiles is { Count: > 0 } ? " with its external data" : "")}.");
        return Report(model, target);
    }

    private OnnxModelInfo Report(OnnxModelInfo model, string target)
    {
        console.MarkupLine($"Wrote [bold]{Markup.Escape(target)}[/]: opset {model.OpsetVersion}, IR version {model.IrVersion}.");
        foreach (var (kind, tensors) in new[] { ("input", model.Inputs), ("output", model.Outputs) })
        {
            foreach (var t in tensors)
            {
                console.MarkupLine($"  {kind} {Markup.Escape(t.Name)} {t.DataType} [[{string.Join(",", t.Shape)}]]");
            }
        }

        return model;
    }

    /// <summary>
    /// <c>DIR/NAME/&lt;version&gt;/model.onnx</c> is a Triton repository entry: it gets the seed's baseline config (one
    /// instance, no dynamic batching, ORT defaults), the converter stage's own.
    /// </summary>
    private async Task WriteConfigIfEntryAsync(string target, OnnxModelInfo model, CancellationToken ct)
    {
        var versionFolder = Path.GetDirectoryName(target)!;
        var entry = Path.GetDirectoryName(versionFolder);
        var name = Path.GetFileName(entry);
        if (Path.GetFileName(target) != ModelRepositoryLayout.ModelFileName || entry is null
            || !int.TryParse(Path.GetFileName(versionFolder), out var version) || version < 1 || !ModelNames.IsValid(name))
        {
            console.MarkupLine("[grey]Not a Triton repository entry (DIR/NAME/1/model.onnx), so no config.pbtxt was written.[/]");
            return;
        }

        var maxBatchSize = BaselineEntry.MaxBatchSizeFor(model, new ConverterOptions().DynamicMaxBatchSize);
        var gpu = ConverterOptions.BaselineOnGpu("auto", () => ExecutionProviders.Detect().Cuda);
        var config = BaselineEntry.Config(name!, model, maxBatchSize, gpu);
        var configPath = Path.Combine(entry, ModelConfigFile.FileName);
        await ModelConfigFile.WriteAsync(configPath, config, ct);
        console.MarkupLine(
            $"Wrote the baseline Triton config [bold]{Markup.Escape(configPath)}[/]: max_batch_size {maxBatchSize}, no dynamic batching, " +
            $"one {(gpu ? "KIND_GPU" : "KIND_CPU")} instance, ONNX Runtime's defaults.");
    }

    /// <summary>The one line a failure prints; null for a bug, which keeps its stack trace.</summary>
    private static string? Describe(Exception e) => e switch
    {
        PyTorchExportException export => export.Summary,
        InvalidModelException invalid => ModelProblem.Describe(invalid),
        ArgumentException or IOException or UnauthorizedAccessException => e.Message,
        _ => null,
    };

    /// <summary>"1.13" is 1.13.1 and 1.13.0a0+git...; "1.11" is not.</summary>
    private static bool SameVersion(string wanted, string actual)
    {
        var parts = wanted.Trim().Split('.');
        var have = actual.Split('+')[0].Split('.');
        return parts.Length <= have.Length && parts.Select((p, i) => p == have[i] || (i == parts.Length - 1 && have[i].StartsWith(p, StringComparison.Ordinal))).All(x => x);
    }
}

using InferencePipeline.Cli.Console;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.LoadGen;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.OrtTuner;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe tune</c>: the ORT tuning stage alone, OLive's <c>optimize</c> — the same engine the pipeline runs
/// (<see cref="OrtTuning"/>) on a local ONNX file, with a progress display. Writes <c>RESULT/ort-tuning.csv</c>,
/// <c>RESULT/trials.json</c> and the tuned repository entry <c>RESULT/&lt;name&gt;/config.pbtxt</c> +
/// <c>RESULT/&lt;name&gt;/1/model.onnx</c> (so RESULT serves as a model repository). Exit 0 when done, 1 when tuning
/// failed, 2 for unusable input; a failure prints one line that says what to do.
/// </summary>
public sealed class TuneCommand : AsyncCommand<TuneSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TuneSettings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        var modelPath = Path.GetFullPath(settings.ModelPath!);
        var name = settings.ModelName ?? ModelNames.FromFileName(modelPath);
        if (ModelNames.Problem(name) is { } nameProblem)
        {
            return Fail(console, 2, $"--model_name: {nameProblem}");
        }

        OnnxModelInfo model;
        PerfAnalyzerInputData? inputData = null;
        IReadOnlyList<TensorSpec> inputs;
        try
        {
            model = OnnxModelInspector.Inspect(modelPath);
            if (settings.InputData is { } dataPath)
            {
                inputData = PerfAnalyzerInputData.Load(dataPath);
            }

            inputs = TuningInputs.Resolve([], model.Inputs, settings.ShapeOverrides(), inputData);
        }
        catch (InvalidModelException e)
        {
            return Fail(console, 2, $"--model_path cannot be tuned: {e.Message}");
        }
        catch (InputDataException e)
        {
            return Fail(console, 2, $"--input-data '{settings.InputData}' is not usable: {e.Message}");
        }
        catch (OrtTuningException e)
        {
            return Fail(console, 2, e.Message);
        }

        var output = Path.GetFullPath(settings.ResultPath);
        var work = Path.Combine(output, ".work");
        var options = settings.ToOptions();
        console.MarkupLine($"Tuning [bold]{Markup.Escape(name)}[/] ({Markup.Escape(modelPath)}) at {Markup.Escape(Describe(inputs))}, batch sizes {string.Join(',', options.EffectiveBatchSizes)}" +
                           $"{(inputData is null ? ", generated inputs" : $", {inputData.Steps.Count} real input steps")}");
        OrtTuningResult result;
        try
        {
            var job = new OrtTuningJob(modelPath, inputs, inputData, settings.InputData is null ? null : Path.GetFullPath(settings.InputData), work);
            result = await TuneWithProgressAsync(console, options, job, cancellationToken);
            var config = DefaultModelConfig.Create(name, model.Inputs, model.Outputs, ConvertModelConsumer.MaxBatchSizeFor(model, new ConverterOptions().DynamicMaxBatchSize));
            await TunedEntry.WriteAsync(output, name, result.ChosenModelPath, new ModelConfigDocument(config), result.Chosen.Settings, cancellationToken);
        }
        catch (OrtTuningException e)
        {
            return Fail(console, 1, $"Tuning failed: {e.Message}");
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(output, OrtTuningCsv.FileName), OrtTuningCsv.Format(result), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(output, "trials.json"), TuningReport.From(name, result, options).ToJson(), cancellationToken);
        TuningTable.Write(console, result);
        console.MarkupLine($"Tuned entry:  {Markup.Escape(Path.Combine(output, name))} (config.pbtxt, 1/model.onnx)");
        console.MarkupLine($"Trials:       {Markup.Escape(Path.Combine(output, OrtTuningCsv.FileName))}");
        return 0;
    }

    private static async Task<OrtTuningResult> TuneWithProgressAsync(IAnsiConsole console, OrtTunerOptions options, OrtTuningJob job, CancellationToken ct)
    {
        OrtTuningResult? result = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Tune ONNX Runtime", maxValue: 1);
                result = await new OrtTuning(options, job, logger: null, (fraction, message) =>
                {
                    task.Value = fraction;
                    task.Description = Markup.Escape(message.Length > 90 ? message[..87] + "..." : message);
                    return Task.CompletedTask;
                }).RunAsync(ct);
                task.Value = 1;
                task.Description = "Tune ONNX Runtime";
            });
        return result!;
    }

    private static string Describe(IReadOnlyList<TensorSpec> inputs) =>
        string.Join(", ", inputs.Select(i => $"{i.Name} [{string.Join(',', i.Shape)}]"));

    private static int Fail(IAnsiConsole console, int exitCode, string message)
    {
        console.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return exitCode;
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.LoadGen;
using InferencePipeline.Onnx;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// What <c>inferpipe bench</c> measures: a KServe v2 server over gRPC (<c>--url</c>), or an ONNX file run by
/// ONNX Runtime in this process (<c>--model-file</c>, like perf_analyzer's C API mode, which takes the server
/// out of the picture). Owns the target and, in-process, the session behind it.
/// </summary>
internal sealed class BenchTarget : IDisposable
{
    private readonly IDisposable[] _owned;

    private BenchTarget(IInferenceTarget target, string where, IReadOnlyList<string> notes, params IDisposable[] owned)
    {
        Target = target;
        Where = where;
        Notes = notes;
        _owned = owned;
    }

    public IInferenceTarget Target { get; }

    /// <summary>Where the requests go, for the "Measuring ..." line: "at URL" or "in-process (ONNX Runtime, settings)".</summary>
    public string Where { get; }

    /// <summary>What ONNX Runtime changed from what was asked (a provider it fell back from, a clamped level).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// Connects or loads. Throws <see cref="LoadGenException"/> (server unreachable, unknown model),
    /// <see cref="InvalidModelException"/> (a file ONNX Runtime cannot load) or <see cref="InputDataException"/>
    /// (input data that does not fit the model).
    /// </summary>
    public static async Task<BenchTarget> OpenAsync(
        BenchSettings settings, Dictionary<string, long[]>? shapes, CancellationToken cancellationToken)
    {
        // Parsed before connecting or loading, so a malformed file is reported as such, not as a server or model problem.
        var inputData = settings.InputData is "random" or "zero" ? null : PerfAnalyzerInputData.Load(settings.InputData);
        var mode = settings.InputData == "zero" ? InputDataMode.Zero : InputDataMode.Random;
        var strings = new StringInputOptions(settings.StringLength, settings.StringData);

        if (settings.ModelFile is { } file)
        {
            return OpenInProcess(file, settings, inputData, mode, strings, shapes);
        }

        var url = new Uri(settings.Url!);
        var grpc = inputData is null
            ? await GrpcInferenceTarget.CreateAsync(url, settings.ModelName, settings.BatchSize, mode, shapes, settings.ModelVersion,
                strings: strings, cancellationToken: cancellationToken)
            : await GrpcInferenceTarget.CreateAsync(url, settings.ModelName, inputData, settings.BatchSize, shapes, settings.ModelVersion, cancellationToken);
        return new BenchTarget(grpc, $"at {url}", [], grpc);
    }

    private static BenchTarget OpenInProcess(
        string file,
        BenchSettings settings,
        PerfAnalyzerInputData? inputData,
        InputDataMode mode,
        StringInputOptions strings,
        Dictionary<string, long[]>? shapes)
    {
        var inputs = OnnxModelInspector.Inspect(file).Inputs;
        var ort = OrtSessionFactory.CreateDetailed(file, settings.OrtSettings);
        try
        {
            var target = inputData is null
                ? new InProcessOrtTarget(ort.Session, inputs, settings.BatchSize, mode, shapes, strings: strings)
                : new InProcessOrtTarget(ort.Session, inputs, inputData, settings.BatchSize, shapes);
            // The target goes first: its tensors and bindings belong to the session.
            return new BenchTarget(target, $"in-process (ONNX Runtime {ort.Effective})", ort.Notes, target, ort);
        }
        catch
        {
            ort.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}

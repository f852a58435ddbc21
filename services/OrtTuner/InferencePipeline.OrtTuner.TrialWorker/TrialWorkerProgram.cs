using System.Text.Json;
using InferencePipeline.LoadGen;

namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// The child process of an isolated trial: reads a <see cref="TrialRequest"/>, runs the trial with
/// <see cref="OrtTrialSession"/>, and writes the outputs and the <see cref="TrialResult"/> where the request says.
/// If ONNX Runtime crashes the process on the way, nothing is written and the parent reads the signal from the exit
/// status. Exit codes: 0 done (the result may still report a failed trial), 2 unusable request.
/// </summary>
public static class TrialWorkerProgram
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error)
    {
        if (args.Count != 1)
        {
            await error.WriteLineAsync("usage: InferencePipeline.OrtTuner.TrialWorker <trial-request.json> (started by the ORT tuner)");
            return 2;
        }

        TrialRequest request;
        IReadOnlyList<IReadOnlyList<InferencePipeline.Onnx.RawInputTensor>> accuracyInputs;
        PerfAnalyzerInputData? timingData;
        try
        {
            request = TrialJson.Read<TrialRequest>(args[0]);
            accuracyInputs = AccuracyInputSets.FromInputData(PerfAnalyzerInputData.Load(request.AccuracyInputsPath), request.Spec.Inputs);
            timingData = request.TimingInputDataPath is { } timing ? PerfAnalyzerInputData.Load(timing) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or InputDataException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"trial request '{args[0]}' is unusable: {e.Message}");
            return 2;
        }

        var (result, outputs) = await OrtTrialSession.RunAsync(request.Spec, accuracyInputs, timingData, CancellationToken.None);
        TrialOutputsFile.Write(request.OutputsPath, outputs);
        TrialJson.Write(request.ResultPath, result);
        return 0;
    }
}

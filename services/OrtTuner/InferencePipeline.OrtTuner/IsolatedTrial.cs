using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using InferencePipeline.OrtTuner.Trials;

namespace InferencePipeline.OrtTuner;

/// <summary>
/// Runs one trial in a child process (<see cref="TrialWorkerProgram"/>), so that ONNX Runtime crashing on a candidate
/// (an uncatchable segmentation fault, an abort in a provider) fails that candidate instead of killing the tuner. The
/// child is this application's copy of InferencePipeline.OrtTuner.TrialWorker, which the build puts beside the tuner's
/// assembly, run by the same dotnet host; <see cref="OrtTunerOptions.TrialWorkerCommand"/> replaces it.
/// </summary>
public sealed class IsolatedTrial(OrtTunerOptions options)
{
    private const int StderrTailLines = 6;

    /// <summary>The result and outputs, or a failed result saying how the child ended (signal, exit code, time limit).</summary>
    public async Task<(TrialResult Result, IReadOnlyList<IReadOnlyDictionary<string, float[]>> Outputs)> RunAsync(
        TrialSpec spec, string accuracyInputsPath, string? timingInputDataPath, string workDirectory, CancellationToken ct)
    {
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(workDirectory), $"trial-{Guid.NewGuid():N}")).FullName;
        var request = new TrialRequest(spec, accuracyInputsPath, timingInputDataPath,
            Path.Combine(folder, "outputs.bin"), Path.Combine(folder, "result.json"));
        string requestPath = Path.Combine(folder, "request.json");
        TrialJson.Write(requestPath, request);
        try
        {
            var (exitCode, timedOut, stderr) = await RunChildAsync(Command(requestPath), TimeSpan.FromSeconds(options.TrialTimeoutSeconds), ct);
            if (timedOut)
            {
                return (TrialResult.Failed($"trial process killed after the {options.TrialTimeoutSeconds} s limit{Tail(stderr)}"), []);
            }

            if (exitCode != 0 || !File.Exists(request.ResultPath))
            {
                return (TrialResult.Failed(DescribeExit(exitCode) + Tail(stderr)), []);
            }

            return (TrialJson.Read<TrialResult>(request.ResultPath), TrialOutputsFile.Read(request.OutputsPath));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or EndOfStreamException)
        {
            return (TrialResult.Failed($"the trial process left an unreadable result: {e.Message}"), []);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>"crashed: signal 11 (SIGSEGV)" for a child killed by a signal (.NET reports 128 + the signal), else the exit code.</summary>
    public static string DescribeExit(int exitCode) => exitCode switch
    {
        0 => "the trial process exited without writing its result",
        2 => "the trial process could not use its request",
        > 128 and < 160 when !OperatingSystem.IsWindows() => $"crashed: signal {exitCode - 128} ({SignalName(exitCode - 128)})",
        _ => $"the trial process exited with code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal",
    };

    private List<string> Command(string requestPath)
    {
        if (options.TrialWorkerCommand.Count > 0)
        {
            return [.. options.TrialWorkerCommand, requestPath];
        }

        string worker = typeof(TrialWorkerProgram).Assembly.Location;
        if (!File.Exists(Path.ChangeExtension(worker, ".runtimeconfig.json")))
        {
            throw new OrtTuningException(
                $"The trial worker next to the tuner ('{worker}') has no runtimeconfig.json, so it cannot run as a process; " +
                "build the application from its project (it references InferencePipeline.OrtTuner, which brings the worker).");
        }

        return [DotnetHost(), worker, requestPath];
    }

    /// <summary>The dotnet host running this process (or the one its runtime belongs to), so the child runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        string executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && Path.GetFileName(current) == executable)
        {
            return current;
        }

        foreach (var variable in new[] { "DOTNET_HOST_PATH", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                string path = variable == "DOTNET_ROOT" ? Path.Combine(value, executable) : value;
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        // The shared runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/; the host is <root>/dotnet.
        string fromRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", executable));
        return File.Exists(fromRuntime) ? fromRuntime : executable;
    }

    private static async Task<(int ExitCode, bool TimedOut, string Stderr)> RunChildAsync(List<string> command, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // A crash dump of a deliberately tried candidate is noise on the machine, not a diagnosis.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        var stderr = new Queue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.Enqueue(e.Data);
                while (stderr.Count > StderrTailLines)
                {
                    stderr.Dequeue();
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new OrtTuningException($"Cannot start the trial process '{command[0]}': {e.Message}", e);
        }

        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            timedOut = !ct.IsCancellationRequested;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the limit and the kill.
            }

            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
        }

        lock (stderr)
        {
            return (process.ExitCode, timedOut, string.Join(" | ", stderr));
        }
    }

    private static string Tail(string stderr) => stderr.Length == 0 ? "" : $"; its last words: {stderr}";
}

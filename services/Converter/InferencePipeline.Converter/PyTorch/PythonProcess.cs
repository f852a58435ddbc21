using System.ComponentModel;
using System.Diagnostics;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// Runs a python script as a child process with a wall-clock limit: at the limit, or when the caller cancels,
/// the whole process tree is killed (torch may start worker processes). Stdout is drained and dropped; the
/// last lines of stderr are kept for the error message.
/// </summary>
public static class PythonProcess
{
    /// <summary>How long to wait for a killed tree to let go of its pipes before giving up on them.</summary>
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(10);

    public static async Task<PythonRun> RunAsync(
        string interpreter,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        int stderrTailLines,
        CancellationToken ct)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var tail = new LineTail(stderrTailLines);
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) => tail.Add(e.Data);
        process.OutputDataReceived += (_, _) => { };
        var started = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new PyTorchExportException(PyTorchExportError.PythonMissing,
                $"The Python interpreter '{interpreter}' cannot be started ({Reason(e)}). Install Python 3 with PyTorch " +
                $"(Debian: apt-get install --no-install-recommends python3-torch python3-onnx) or set {PyTorchExportOptions.Section}:PythonPath " +
                "to an interpreter that has torch.", inner: e);
        }

        process.StandardInput.Close(); // a script that reads stdin gets EOF instead of waiting forever
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return new PythonRun(process.ExitCode, false, tail.ToString(), Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own between the limit and the kill.
            }

            using var grace = new CancellationTokenSource(KillGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                // A grandchild that escaped the tree may hold the pipes open; the tree itself was killed.
            }

            ct.ThrowIfCancellationRequested();
            return new PythonRun(-1, true, tail.ToString(), Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The OS's reason, without .NET's restatement of the command line and working folder.</summary>
    private static string Reason(Win32Exception e) => e.NativeErrorCode switch
    {
        2 => "no such file",
        13 => "permission denied: not an executable file",
        _ => e.Message,
    };
}

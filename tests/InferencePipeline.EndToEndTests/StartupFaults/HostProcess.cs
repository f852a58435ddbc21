using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using InferencePipeline.Testing;

namespace InferencePipeline.EndToEndTests.StartupFaults;

/// <summary>
/// A service host run as the operator runs it: <c>dotnet &lt;host dll&gt;</c> in its own process, with its settings in
/// environment variables. Keeps stdout (the log) and stderr (what the host says when it cannot start) apart, and kills
/// the process on dispose if it still runs.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private volatile bool _disposed;

    private HostProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    public string Describe() => $"stderr:\n{string.Join('\n', _stderr)}\nstdout (last 60 lines):\n{string.Join('\n', _stdout.TakeLast(60))}";

    /// <param name="launcher">Runs the host through this command (e.g. <c>setpriv --reuid=65534 ...</c>), for a fault only
    /// another user meets; empty to run <c>dotnet</c> directly.</param>
    public static HostProcess Start(string service, IReadOnlyDictionary<string, string> environment, string[] arguments,
        params string[] launcher)
    {
        var command = launcher.Concat(["dotnet", ServiceHostBinaries.Dll(service)]).Concat(arguments).ToArray();
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        // One line per log entry, informational and up: what an operator reads.
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        // The orchestrator refuses to start without its API key; these tests are about the faults after that check.
        start.Environment["Pipeline__Api__Key"] = "startup-fault-tests-key-0123456789";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return StartProcess(start);
    }

    private static HostProcess StartProcess(ProcessStartInfo start)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._stderr.Enqueue(e.Data); };
        process.Start();
        host.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the process to end and returns its exit code; fails when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the host still runs after {timeout.TotalSeconds:0} s:\n{Describe()}");
        }
        // Exited fires before the last output lines are read: WaitForExit() without a timeout waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until a line of the log contains <paramref name="text"/>; fails if the process ends first.</summary>
    public Task WaitForLogAsync(string text, TimeSpan timeout) =>
        Eventually.TrueAsync(() =>
        {
            if (_stdout.Any(line => line.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the host exited ({_process.ExitCode}) before it logged '{text}':\n{Describe()}");
            }
            return false;
        }, timeout, $"the host to log '{text}':\n{Describe()}");

    /// <summary>The operating system's id of the process (kept: it is still wanted in messages after the process is gone).</summary>
    public int Id { get; private set; }

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>
    /// Kills the host with SIGKILL, as the kernel's OOM killer or a node failure would: no shutdown, no flush, no
    /// message acknowledged or settled; returns once the process is gone.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// SIGSTOP: the process stays, with its connections open and whatever the broker delivered to it, and does nothing
    /// more until it is killed (a hung host). Unix only.
    /// </summary>
    public void Freeze()
    {
        if (Signals.Send(_process.Id, Signals.Stop) != 0)
        {
            throw new InvalidOperationException($"SIGSTOP to {_process.Id} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private static class Signals
    {
        public const int Stop = 19;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Send(int pid, int signal);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }
        finally
        {
            _disposed = true;
            _process.Dispose();
        }
    }
}

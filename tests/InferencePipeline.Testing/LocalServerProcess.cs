using System.Collections.Concurrent;
using System.Diagnostics;
using InferencePipeline.LocalInfrastructure;

namespace InferencePipeline.Testing;

/// <summary>
/// A server binary run as a child process in its own temp directory: waits until it answers its protocol
/// (<see cref="ProtocolProbe"/>, the readiness rule the AppHost's health checks use too), keeps the output for
/// error messages, and kills the whole process tree and deletes the directory on dispose.
/// </summary>
public sealed class LocalServerProcess : IAsyncDisposable
{
    /// <summary>What a test run can do instead of installing the servers by hand.</summary>
    public const string Otherwise = "run the repository's test script (scripts/test.sh), which installs them.";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalServerProcess(Process process, string workDirectory)
    {
        _process = process;
        WorkDirectory = workDirectory;
    }

    public string WorkDirectory { get; }

    public static string NewWorkDirectory(string prefix) =>
        Directory.CreateTempSubdirectory($"inferpipe-{prefix}-").FullName;

    public static LocalServerProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            startInfo.Environment[name] = value;

        var server = new LocalServerProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true }, workDirectory);
        server.Run();
        return server;
    }

    private void Run()
    {
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _exited.TrySetException(new InvalidOperationException(
            $"{_process.StartInfo.FileName} exited with code {_process.ExitCode} before it was ready:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    public string Output => string.Join('\n', _output);

    /// <summary>Waits until the server answers <paramref name="probe"/> on <paramref name="port"/>; fails at once if it exits.</summary>
    public async Task WaitUntilReadyAsync(ProtocolProbe probe, int port, TimeSpan timeout)
    {
        try
        {
            await probe.WaitUntilReadyAsync(port, timeout, _exited.Task);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName}: {e.Message}. Output:\n{Output}", e);
        }
    }

    /// <summary>
    /// Kills the server with SIGKILL, as a crash or an OOM kill would, and keeps its directory: a new process started
    /// on the same directory and port finds its data (RabbitMQ's durable queues, Redis's append-only file). This
    /// instance is done afterwards; do not dispose it, or the directory goes.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A straggling child may still hold a file; the OS cleans its temp directory eventually.
            }
        }
    }
}

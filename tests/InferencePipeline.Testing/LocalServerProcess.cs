using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace InferencePipeline.Testing;

/// <summary>
/// A server binary run as a child process in its own temp directory: waits for a line on its output that
/// says it is ready, keeps the output for error messages, and kills the whole process tree and deletes
/// the directory on dispose.
/// </summary>
public sealed class LocalServerProcess : IAsyncDisposable
{
    private const string InstallHint =
        "Run the repository's test script, or install the servers: sudo apt-get install -y rabbitmq-server redis-server";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyLine;

    private LocalServerProcess(Process process, string readyLine, string workDirectory)
    {
        _process = process;
        _readyLine = readyLine;
        WorkDirectory = workDirectory;
    }

    public string WorkDirectory { get; }

    public static string NewWorkDirectory(string prefix) =>
        Directory.CreateTempSubdirectory($"inferpipe-{prefix}-").FullName;

    /// <summary>Fails with the install hint when the binary is missing, instead of a bare Win32Exception.</summary>
    public static void RequireBinary(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} is not installed. {InstallHint}");
    }

    public static LocalServerProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workDirectory, string readyLine)
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

        var server = new LocalServerProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true }, readyLine, workDirectory);
        server.Run();
        return server;
    }

    private void Run()
    {
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException(
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
        if (line.Contains(_readyLine, StringComparison.Ordinal))
            _ready.TrySetResult();
    }

    public string Output => string.Join('\n', _output);

    /// <summary>Waits for the ready line, then for the port to accept connections (the line can come first).</summary>
    public async Task WaitUntilReadyAsync(int port, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _ready.Task.WaitAsync(cts.Token);
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync("127.0.0.1", port, cts.Token);
                    return;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, cts.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(
                $"{_process.StartInfo.FileName} was not ready on port {port} within {timeout.TotalSeconds:F0} s. Output:\n{Output}");
        }
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
                // A straggling child may still hold a file; the OS cleans /tmp eventually.
            }
        }
    }
}

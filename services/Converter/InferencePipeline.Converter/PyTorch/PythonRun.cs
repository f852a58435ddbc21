namespace InferencePipeline.Converter.PyTorch;

/// <summary>How a python child ended: its exit code (-1 when killed at the time limit) and its stderr's last lines.</summary>
public sealed record PythonRun(int ExitCode, bool TimedOut, string StderrTail, TimeSpan Elapsed);

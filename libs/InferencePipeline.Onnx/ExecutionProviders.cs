using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx;

/// <summary>
/// Finds the execution providers that work on this machine. <c>OrtEnv.GetAvailableProviders()</c> lists CUDA and
/// TensorRT whenever the package ships them, GPU or not (docs/platform-facts.md), so detection appends each provider to a
/// throwaway SessionOptions and keeps the ones that do not throw. The result is computed once per process.
/// </summary>
public static class ExecutionProviders
{
    private static readonly Lazy<ExecutionProviderReport> Report = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    public static ExecutionProviderReport Detect() => Report.Value;

    private static ExecutionProviderReport Probe()
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        // A failed probe is expected on CPU machines; keep ORT from printing it as an error on stderr.
        var env = OrtEnv.Instance();
        var previous = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            bool cuda = TryAppend("CUDA", options => options.AppendExecutionProvider_CUDA(0), reasons);
            bool tensorRt = TryAppend("TensorRT", options => options.AppendExecutionProvider_Tensorrt(0), reasons);
            return new ExecutionProviderReport(Cpu: true, Cuda: cuda, TensorRt: tensorRt, reasons);
        }
        finally
        {
            env.EnvLogLevel = previous;
        }
    }

    private static bool TryAppend(string name, Action<SessionOptions> append, Dictionary<string, string> reasons)
    {
        try
        {
            using var options = new SessionOptions();
            append(options);
            return true;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            reasons[name] = FirstLine(e.Message);
            return false;
        }
    }

    internal static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n');
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}

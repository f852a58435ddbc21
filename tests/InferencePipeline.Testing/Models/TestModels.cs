using InferencePipeline.Onnx;

namespace InferencePipeline.Testing.Models;

/// <summary>
/// The demo models as files, written once per test process into a private temp directory (writing BERT
/// costs ~50 ms; dozens of tests share it). Treat the files as read-only; copy one to change it.
/// </summary>
public static class TestModels
{
    private static readonly Lazy<string> Directory_ = new(CreateDirectory, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> BertFile = new(() => Write("bert.onnx", p => DemoModels.WriteBert(p)));
    private static readonly Lazy<string> AddFile = new(() => Write("add.onnx", DemoModels.WriteAdd));
    private static readonly Lazy<string> IdentityFile = new(() => Write("identity.onnx", DemoModels.WriteIdentity));
    private static readonly Lazy<string> AddHalfFile = new(() => Write("add_fp16.onnx", DemoModels.WriteAddHalf));
    private static readonly Lazy<string> SlowAddFile = new(() => Write("slow_add.onnx", p => DemoModels.WriteSlowAdd(p, SlowAddIterations)));

    /// <summary>Loop steps of <see cref="SlowAdd"/>: about 60 ms per execution on a busy 2-core machine, whatever the batch.</summary>
    public const int SlowAddIterations = 20_000;

    /// <summary>The demo BERT (seed interface, default <see cref="BertShape"/>).</summary>
    public static string Bert => BertFile.Value;

    /// <summary>OUTPUT0 = INPUT0 + 1, FP32 [-1, 16].</summary>
    public static string Add => AddFile.Value;

    /// <summary>OUTPUT0 = INPUT0, FP32 [-1, 16].</summary>
    public static string Identity => IdentityFile.Value;

    /// <summary>OUTPUT0 = INPUT0 + 1 computed in fp16 behind fp32 I/O (never open it with ORT_ENABLE_ALL on CPU).</summary>
    public static string AddHalf => AddHalfFile.Value;

    /// <summary>OUTPUT0 = INPUT0 + <see cref="SlowAddIterations"/>, FP32 [-1, 16], slow on purpose: a server of it is easily overloaded.</summary>
    public static string SlowAdd => SlowAddFile.Value;

    /// <summary>The directory holding the shared files (deleted when the process exits).</summary>
    public static string Directory => Directory_.Value;

    private static string Write(string fileName, Action<string> write)
    {
        string path = Path.Combine(Directory, fileName);
        write(path);
        return path;
    }

    private static string CreateDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"inferpipe-test-models-{Environment.ProcessId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still mapped by a native session must not fail the test run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return dir;
    }
}

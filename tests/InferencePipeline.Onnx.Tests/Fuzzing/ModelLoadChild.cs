using InferencePipeline.Contracts;

namespace InferencePipeline.Onnx.Tests.Fuzzing;

/// <summary>
/// The test assembly run as a child process (<c>dotnet InferencePipeline.Onnx.Tests.dll --load-models</c>) to load
/// model files that may crash ONNX Runtime's native code, where a crash ends only the child. Each stdin line is a case
/// (<c>name</c>, a tab, the model's bytes in base64); the child writes it to a file of its own (two, taken in turn, so
/// thousands of cases do not cost thousands of files) and prints <c>start N</c> before loading it, then <c>ok N</c>,
/// <c>refused N &lt;message&gt;</c> (the clear error: <see cref="InvalidModelException"/>, from inspection or from the
/// server's session factory) or <c>unexpected N &lt;type&gt;: &lt;message&gt;</c>, flushing after each line so the parent
/// knows which case a crash hit.
/// </summary>
public static class ModelLoadChild
{
    public const string Argument = "--load-models";

    /// <summary>
    /// For the harness's own test: as <see cref="Argument"/>, but an fp16 model ends the process the way a native crash
    /// does (Environment.FailFast), standing in for the ONNX Runtime crash the session factory guards against, which
    /// ONNX Runtime 1.31 no longer shows for the small demo models.
    /// </summary>
    public const string CrashOnFp16Argument = "--load-models-crash-on-fp16";

    public static int Run(bool crashOnFp16 = false)
    {
        var directory = Directory.CreateTempSubdirectory("inferpipe-onnx-fuzz-child-");
        try
        {
            var index = 0;
            while (Console.In.ReadLine() is { } line)
            {
                var tab = line.IndexOf('\t');
                var path = Path.Combine(directory.FullName, $"model_{index % 2}.onnx");
                File.WriteAllBytes(path, Convert.FromBase64String(line[(tab + 1)..]));
                Console.Out.WriteLine($"start {index}");
                Console.Out.Flush();
                if (crashOnFp16 && OnnxModelPrecision.UsesFloat16(path))
                {
                    Environment.FailFast("a crash while loading, as ONNX Runtime's native code would have it");
                }
                Console.Out.WriteLine(Load(index, path));
                Console.Out.Flush();
                index++;
            }
            return 0;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Load(int index, string path)
    {
        try
        {
            // What the converter and tuner do first, then what the inference server does for each instance.
            OnnxModelInspector.Inspect(path);
            using var session = OrtSessionFactory.Create(path, OrtSettings.Default);
            return $"ok {index}";
        }
        catch (InvalidModelException e)
        {
            return $"refused {index} {OneLine(e.Message)}";
        }
        catch (Exception e)
        {
            return $"unexpected {index} {e.GetType().FullName}: {OneLine(e.Message)}";
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

using InferencePipeline.Onnx.Tests.Fuzzing;

namespace InferencePipeline.Onnx.Tests;

/// <summary>
/// The entry point of this test assembly (in place of the one the test SDK would generate, which does nothing): run by
/// the test runner it is never called; run as <c>dotnet InferencePipeline.Onnx.Tests.dll --load-models</c> it is the
/// child process of the ONNX fuzz test.
/// </summary>
public static class TestAssemblyEntryPoint
{
    public static int Main(string[] args) => args switch
    {
        [ModelLoadChild.Argument] => ModelLoadChild.Run(),
        [ModelLoadChild.CrashOnFp16Argument] => ModelLoadChild.Run(crashOnFp16: true),
        _ => 0,
    };
}

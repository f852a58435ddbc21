using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace InferencePipeline.Testing.Cloud;

/// <summary>
/// The real Bicep compiler from the NuGet package Azure.Bicep.CommandLine.linux-x64, which a test project
/// references with its path recorded as assembly metadata "BicepPackagePath". Compiles offline; the linter's
/// warnings come back with the ARM template.
/// </summary>
public static class BicepCompiler
{
    public sealed record Result(int ExitCode, JsonObject? Template, IReadOnlyList<string> Diagnostics);

    public static async Task<Result> BuildAsync(Assembly testAssembly, string bicepFile)
    {
        var binary = Locate(testAssembly);
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { "build", bicepFile, "--stdout" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(bicepFile)!,
        };
        // No telemetry and no network: the compiler runs the same on a machine with no way out.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var diagnostics = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = await output;
        return new Result(process.ExitCode, process.ExitCode == 0 ? JsonNode.Parse(json)!.AsObject() : null, diagnostics);
    }

    private static string Locate(Assembly testAssembly)
    {
        var package = testAssembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BicepPackagePath")?.Value;
        if (string.IsNullOrEmpty(package))
        {
            throw new InvalidOperationException($"{testAssembly.GetName().Name} records no BicepPackagePath; reference Azure.Bicep.CommandLine.linux-x64 with GeneratePathProperty.");
        }

        var binary = Path.Combine(package, "tools", "bicep");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"The Bicep compiler is not at {binary}; restore the test project.", binary);
        }

        // NuGet extracts files without their execute bit. The package is the Linux compiler, so this runs on Linux only.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep compiler package the tests use is the linux-x64 one.");
        }

        File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return binary;
    }
}

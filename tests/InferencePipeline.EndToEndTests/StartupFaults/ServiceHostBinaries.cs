namespace InferencePipeline.EndToEndTests.StartupFaults;

/// <summary>
/// Where the built service hosts are: <c>services/&lt;Service&gt;/InferencePipeline.&lt;Service&gt;.Host/bin/&lt;configuration&gt;/&lt;tfm&gt;/</c>
/// of this repository, in the configuration and framework this test assembly was built with (the test project references
/// the hosts, so building it builds them).
/// </summary>
public static class ServiceHostBinaries
{
    private static readonly Lazy<string> RepositoryRoot = new(FindRepositoryRoot);

    /// <summary>The host's dll for <c>dotnet &lt;dll&gt;</c>, e.g. <c>Dll("Converter")</c>.</summary>
    public static string Dll(string service)
    {
        // This assembly lives in .../bin/<configuration>/<tfm>/, and so does every host's.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var name = $"InferencePipeline.{service}.Host";
        var dll = Path.Combine(RepositoryRoot.Value, "services", service, name, "bin", configuration, framework, name + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is not built: build the solution in {configuration} first", dll);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "InferencePipeline.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no InferencePipeline.sln above {AppContext.BaseDirectory}");
    }
}

using InferencePipeline.Cli.Profiling;
using InferencePipeline.Testing.Models;
using Spectre.Console;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// The seed's workspace (bert_default and bertsquad as the Add model) and a console that records what the commands
/// print, for the profile and analyze tests. Measurement windows are short: these tests check behaviour, not speed.
/// </summary>
public sealed class ProfileWorkspace : IAsyncDisposable
{
    /// <summary>perf_analyzer flags that keep a measurement near a third of a second.</summary>
    public const string FastFlags = """
        perf_analyzer_flags:
          measurement-interval: 100
          max-trials: 4
          stability-percentage: 60
        """;

    private readonly StringWriter _output = new();

    private ProfileWorkspace(SeedWorkspace seed)
    {
        Seed = seed;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        Console.Profile.Width = 400;
    }

    public SeedWorkspace Seed { get; }

    public IAnsiConsole Console { get; }

    public string Output => _output.ToString();

    public string Root => Seed.Root;

    public static async Task<ProfileWorkspace> CreateAsync() => new(await SeedWorkspace.CreateAsync());

    /// <summary>A profile YAML over the workspace's repository: <paramref name="body"/> plus its paths and fast flags.</summary>
    public async Task<string> WriteProfileAsync(string body, string name = "profile.yml")
    {
        var path = Path.Combine(Root, name);
        await File.WriteAllTextAsync(path,
            $"model_repository: {Seed.Repository.Root}\noutput_model_repository_path: {Seed.OutputRepository}\n" +
            $"checkpoint_directory: {Seed.CheckpointDirectory}\n{FastFlags}\n{body}\n");
        return path;
    }

    public Task<int> ProfileAsync(string file, CancellationToken cancellationToken = default) =>
        new ProfileRun(Console).RunAsync(file, dryRun: false, TimeSpan.Zero, Seed.CheckpointDirectory, cancellationToken);

    public Task<int> AnalyzeAsync(string file) =>
        new AnalyzeRun(Console).RunAsync(file, Seed.CheckpointDirectory, Seed.ExportPath, CancellationToken.None);

    /// <summary>Every file under the workspace, relative to it.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f)).Order().ToList();

    public ValueTask DisposeAsync()
    {
        Seed.Dispose();
        return ValueTask.CompletedTask;
    }
}

using Spectre.Console;

namespace InferencePipeline.EndToEndTests;

/// <summary>A console that records what a command writes, without colours and without wrapping, so a test reads its lines.</summary>
public sealed class RecordingConsole
{
    private readonly StringWriter _writer = new();

    public RecordingConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_writer),
        });
        Console.Profile.Width = 10_000;
    }

    public IAnsiConsole Console { get; }

    public string Output => _writer.ToString();

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using Spectre.Console;

namespace InferencePipeline.EndToEndTests;

/// <summary>A console that records what a command writes, without colours and without wrapping, so a test reads its lines.</summary>
public sealed class RecordingConsole
{
    private readonly StringWriter _writer = new();

    // A test may read the output while a command still writes (watch runs alongside cancel); the synchronized
    // writer locks on itself, and so does Output.
    private readonly TextWriter _synchronized;

    public RecordingConsole()
    {
        _synchronized = TextWriter.Synchronized(_writer);
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_synchronized),
        });
        Console.Profile.Width = 10_000;
    }

    public IAnsiConsole Console { get; }

    public string Output
    {
        get
        {
            lock (_synchronized)
            {
                return _writer.ToString();
            }
        }
    }

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

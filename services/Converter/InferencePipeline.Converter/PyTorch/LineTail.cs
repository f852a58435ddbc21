namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// The last N lines of a stream, thread-safe: a child's stderr can be long (torch warns a lot while tracing),
/// and only its end, where the traceback is, belongs in an error message.
/// </summary>
public sealed class LineTail(int capacity)
{
    private readonly Queue<string> _lines = new(capacity);
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (line is null || capacity <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _lines).TrimEnd();
        }
    }
}

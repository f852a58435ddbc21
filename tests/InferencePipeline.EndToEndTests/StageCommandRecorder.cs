using System.Collections.Concurrent;
using MassTransit;

namespace InferencePipeline.EndToEndTests;

/// <summary>Keeps every message the in-process stages consume, so a test can read what each stage was sent.</summary>
public sealed class StageCommandRecorder : IConsumeObserver
{
    private readonly ConcurrentQueue<object> _consumed = new();

    public IReadOnlyList<T> Of<T>(Func<T, bool> where) where T : class => _consumed.OfType<T>().Where(where).ToList();

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        _consumed.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

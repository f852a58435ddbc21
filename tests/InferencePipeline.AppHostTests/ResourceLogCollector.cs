using System.Collections.Concurrent;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.AppHostTests;

/// <summary>
/// Keeps the last lines every resource wrote, so a failing test can say what the services said: the
/// processes are DCP's children and their output is otherwise lost when the app is disposed.
/// Watching starts before StartAsync, so nothing written during startup is missed.
/// </summary>
public sealed class ResourceLogCollector
{
    private const int LinesKept = 60;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();

    public ResourceLogCollector(DistributedApplication app)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in model.Resources)
        {
            var queue = _lines.GetOrAdd(resource.Name, _ => new ConcurrentQueue<string>());
            // Ends by itself when the app is disposed (the logger service completes every stream).
            _ = Task.Run(async () =>
            {
                await foreach (var batch in logs.WatchAsync(resource.Name))
                {
                    foreach (var line in batch)
                    {
                        queue.Enqueue(line.Content);
                        while (queue.Count > LinesKept && queue.TryDequeue(out _))
                        {
                        }
                    }
                }
            });
        }
    }

    /// <summary>The last lines of every resource that wrote something, one block per resource.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var (name, queue) in _lines.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (queue.IsEmpty)
            {
                continue;
            }

            text.AppendLine($"----- {name} (last {queue.Count} lines) -----");
            foreach (var line in queue)
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }
}

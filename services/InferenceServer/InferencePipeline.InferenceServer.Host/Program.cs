using InferencePipeline.InferenceServer;
using InferencePipeline.InferenceServer.Hosting;
using InferencePipeline.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;

IReadOnlyDictionary<string, string?> serverArguments;
try
{
    serverArguments = TritonServerArguments.ToConfiguration(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(serverArguments);
builder.AddServiceDefaults();
// One log line per request would cost more than the inference of a small model; requests are counted in /metrics.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddInferenceServer();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenAnyIP(builder.Configuration.GetValue(TritonServerArguments.GrpcPortKey, TritonServerArguments.DefaultGrpcPort),
        listen => listen.Protocols = HttpProtocols.Http2);
    kestrel.ListenAnyIP(builder.Configuration.GetValue(TritonServerArguments.HttpPortKey, TritonServerArguments.DefaultHttpPort),
        listen => listen.Protocols = HttpProtocols.Http1);
    if (builder.Configuration.GetValue<int?>(TritonServerArguments.MetricsPortKey) is { } metricsPort)
    {
        kestrel.ListenAnyIP(metricsPort, listen => listen.Protocols = HttpProtocols.Http1);
    }
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInferenceServer();
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException)
{
    // A start-up failure (missing repository, a model that cannot load with --exit-on-error) is the user's to fix:
    // one clear line and a non-zero exit, as tritonserver does, not a crash dump.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

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
// A start-up fault (a port in use, a missing or unreadable repository, a model that cannot load with --exit-on-error)
// is the user's to fix: one clear line and a non-zero exit, as tritonserver does, not a crash dump.
return await app.RunServiceAsync(port => TritonServerArguments.PortSetting(builder.Configuration, port));

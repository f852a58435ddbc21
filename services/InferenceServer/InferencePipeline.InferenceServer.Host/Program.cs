using InferencePipeline.InferenceServer;
using InferencePipeline.InferenceServer.Hosting;
using InferencePipeline.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(TritonServerArguments.ToConfiguration(args));
builder.AddServiceDefaults();
builder.Services.AddInferenceServer();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenAnyIP(builder.Configuration.GetValue(TritonServerArguments.GrpcPortKey, TritonServerArguments.DefaultGrpcPort),
        listen => listen.Protocols = HttpProtocols.Http2);
    kestrel.ListenAnyIP(builder.Configuration.GetValue(TritonServerArguments.HttpPortKey, TritonServerArguments.DefaultHttpPort),
        listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInferenceServer();
app.Run();

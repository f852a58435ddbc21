using InferencePipeline.Analyzer;
using InferencePipeline.ServiceDefaults;

// The analyzer as its own process: its consumer on the shared bus (RabbitMQ under the AppHost), plus health and telemetry.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPipelineBus(x => x.AddAnalyzer());

var app = builder.Build();

app.MapDefaultEndpoints();

return await app.RunServiceAsync();

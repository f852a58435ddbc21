using InferencePipeline.Orchestrator;
using InferencePipeline.ServiceDefaults;

// The orchestrator service: the pipeline saga (state in Redis when "redis" is configured) and the HTTP API.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPipelineState();
builder.AddPipelineBus(bus => bus.AddOrchestrator());
builder.AddPipelineApi();

var app = builder.Build();

app.MapPipelineApi();
app.MapDefaultEndpoints();

return await app.RunServiceAsync();

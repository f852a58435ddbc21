using InferencePipeline.ServiceDefaults;
using InferencePipeline.TritonProfiler;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Checkpoints and the server lock go to Redis when the AppHost gives this service one.
builder.AddPipelineState();
builder.AddPipelineBus(bus => bus.AddTritonProfiler());

var app = builder.Build();
app.MapDefaultEndpoints();
return await app.RunServiceAsync();

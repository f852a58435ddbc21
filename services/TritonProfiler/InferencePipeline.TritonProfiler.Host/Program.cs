using InferencePipeline.ServiceDefaults;
using InferencePipeline.TritonProfiler;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Redis before the bus: checkpoints and the server lock go to Redis when it is configured.
builder.AddPipelineRedis();
builder.AddPipelineBus(bus => bus.AddTritonProfiler());

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

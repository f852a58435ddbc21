using InferencePipeline.OrtTuner;
using InferencePipeline.ServiceDefaults;

// The ORT tuner as its own process: its consumer on the shared bus (RabbitMQ under the AppHost), plus health and telemetry.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPipelineBus(x => x.AddOrtTuner());

var app = builder.Build();

app.MapDefaultEndpoints();

return await app.RunServiceAsync();

using InferencePipeline.Deployer;
using InferencePipeline.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPipelineBus(bus => bus.AddDeployer());

var app = builder.Build();
app.MapDefaultEndpoints();
return await app.RunServiceAsync();

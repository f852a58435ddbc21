using InferencePipeline.AppHost.Infrastructure;

// The system diagram: a broker and a state store, the embedded inference server (or Triton on a GPU box),
// the orchestrator with its HTTP API (behind the secret api-key parameter), and the five stages, each waiting
// for what it talks to. Every service talks to the broker; only the two that keep state across restarts talk to Redis: the orchestrator (saga and
// status) and the profiler (checkpoints and the per-server lock). The stages talk
// to the orchestrator only through RabbitMQ (commands wait in durable queues), so they start alongside it
// rather than after it: on two cores that saves one whole round of .NET startups.
var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddPipelineInfrastructure();
var artifactsRoot = builder.ArtifactsRoot();
var apiKey = builder.AddApiKey();

var inferenceServer = builder.AddInferenceServer(artifactsRoot);

builder.AddProject<Projects.InferencePipeline_Orchestrator_Host>("orchestrator")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WithPipelineState(infrastructure)
    .WithApiKey(apiKey)
    .WithExternalHttpEndpoints();

builder.AddProject<Projects.InferencePipeline_Converter_Host>("converter")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot);

builder.AddProject<Projects.InferencePipeline_OrtTuner_Host>("ort-tuner")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot);

builder.AddProject<Projects.InferencePipeline_TritonProfiler_Host>("triton-profiler")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WithPipelineState(infrastructure)
    .WithInferenceServer(inferenceServer);

builder.AddProject<Projects.InferencePipeline_Analyzer_Host>("analyzer")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot);

builder.AddProject<Projects.InferencePipeline_Deployer_Host>("deployer")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WithInferenceServer(inferenceServer);

builder.Build().Run();

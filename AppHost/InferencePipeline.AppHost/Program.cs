using InferencePipeline.AppHost.Infrastructure;

// The system diagram: a broker and a state store, the embedded inference server (or Triton on a GPU box),
// the orchestrator with its HTTP API, and the five stages, each waiting for what it talks to.
var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddPipelineInfrastructure();
var artifactsRoot = builder.ArtifactsRoot();

var inferenceServer = builder.AddInferenceServer(artifactsRoot);

var orchestrator = builder.AddProject<Projects.InferencePipeline_Orchestrator_Host>("orchestrator")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WithExternalHttpEndpoints()
    // Healthy only once its API answers and Redis does (ServiceDefaults' /health): what the stages and tests wait for.
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.InferencePipeline_Converter_Host>("converter")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WaitFor(orchestrator);

builder.AddProject<Projects.InferencePipeline_OrtTuner_Host>("ort-tuner")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WaitFor(orchestrator);

builder.AddProject<Projects.InferencePipeline_TritonProfiler_Host>("triton-profiler")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WithInferenceServer(inferenceServer)
    .WaitFor(orchestrator);

builder.AddProject<Projects.InferencePipeline_Analyzer_Host>("analyzer")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WaitFor(orchestrator);

builder.AddProject<Projects.InferencePipeline_Deployer_Host>("deployer")
    .WithPipelineInfrastructure(infrastructure, artifactsRoot)
    .WithInferenceServer(inferenceServer)
    .WaitFor(orchestrator);

builder.Build().Run();

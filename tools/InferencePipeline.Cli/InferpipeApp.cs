using InferencePipeline.Cli.Commands;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli;

/// <summary>The <c>inferpipe</c> command line, built in one place so tests run exactly what users run.</summary>
public static class InferpipeApp
{
    public static CommandApp Create()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("inferpipe");
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Run the whole pipeline in this process (in-memory bus, embedded inference server) on the demo BERT model or your ONNX model.")
                .WithExample("demo")
                .WithExample("demo", "--model", "my_model.onnx", "--latency-budget-ms", "20", "--output", "./out");
            config.AddCommand<RunCommand>("run")
                .WithDescription("Send StartPipeline to the distributed system over RabbitMQ and follow its events.")
                .WithExample("run", "--model", "/data/bert.onnx", "--rabbitmq", "amqp://guest:guest@localhost:5672/");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("Show one pipeline (or the recent ones) from the orchestrator's HTTP API.")
                .WithExample("status", "3f2c...", "--api", "http://localhost:5210");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Measure a model like perf_analyzer, on any KServe v2 gRPC server (ours or Triton's) or as an ONNX file in this process: a concurrency or request-rate sweep, optionally written as perf_analyzer CSV.")
                .WithExample("bench", "--url", "http://localhost:8001", "--model", "bert", "--concurrency", "1,2,4", "--csv", "bert.csv")
                .WithExample("bench", "--url", "http://localhost:8001", "--model", "bert", "--request-rate", "50,100", "--request-distribution", "poisson", "--input-data", "data.json")
                .WithExample("bench", "--model-file", "model_repository/bert/1/model.onnx", "--batch-size", "8", "--concurrency", "1,2", "--intra-op-threads", "2");
            config.AddCommand<DeployCommand>("deploy")
                .WithDescription("Deploy one model of a Triton repository to an Azure ML managed online endpoint: writes and checks the bundle (endpoint.yml, deployment.yml, model_repository/); with a workspace, deploys it blue/green through Azure Resource Manager.")
                .WithExample("deploy", "--target", "azureml", "--model-repository", "./model_repository", "--model", "bert", "--endpoint", "bert-squad", "--instance-type", "Standard_NC6s_v3", "--output", "./azureml")
                .WithExample("deploy", "--target", "azureml", "--model-repository", "./model_repository", "--model", "bert", "--endpoint", "bert-squad", "--instance-type", "Standard_NC6s_v3", "--output", "./azureml", "--subscription", "<id>", "--resource-group", "ml-rg", "--workspace", "ml-ws");
            config.AddCommand<PublishAcaCommand>("publish")
                .WithDescription("Turn the AppHost's Aspire manifest into Bicep for Azure Container Apps (main.bicep + modules): an app per service, the shared artifacts volume, the stages scaled on their RabbitMQ queues, the Aspire dashboard.")
                .WithExample("publish", "aca", "--output", "./infra")
                .WithExample("publish", "aca", "--manifest", "manifest.json", "--output", "./infra");
        });
        return app;
    }
}

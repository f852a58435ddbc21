using InferencePipeline.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli;

/// <summary>The <c>inferpipe</c> command line, built in one place so tests run exactly what users run.</summary>
public static class InferpipeApp
{
    /// <param name="console">Where commands that take an <see cref="IAnsiConsole"/> write (a test's recording console); null: the terminal.</param>
    public static CommandApp Create(IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("inferpipe");
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }

            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Run the whole pipeline in this process (in-memory bus, embedded inference server) on the demo BERT model or your ONNX or PyTorch model.")
                .WithExample("demo")
                .WithExample("demo", "--model", "my_model.onnx", "--latency-budget-ms", "20", "--output", "./out")
                .WithExample("demo", "--model", "sentence_encoder.onnx", "--shape", "input_ids:128", "--shape", "attention_mask:128");
            config.AddCommand<RunCommand>("run")
                .WithDescription("Upload a model to the distributed system through the orchestrator's API, start a pipeline on it and follow it to the end.")
                .WithExample("run", "--model", "bert.onnx", "--api", "http://localhost:5210", "--api-key", "<key>")
                .WithExample("run", "--model", "detector.onnx", "--shape", "x:3,640,640")
                .WithExample("run", "--model", "bert.pt", "--shape", "input_ids:256", "--shape", "attention_mask:256", "--input-types", "int64,int64", "--onnx-opset", "14");
            config.AddCommand<ConvertCommand>("convert")
                .WithDescription("OLive's convert: a PyTorch model (TorchScript .pt, or a pickled .pth with --trust-pickle) to ONNX, checked against PyTorch's outputs, or an ONNX model checked and copied; into a Triton repository entry DIR/NAME/1/model.onnx it also writes the baseline config.pbtxt (one instance, no dynamic batching). Flags as OLive spells them; each also in kebab-case (--model-path, --onnx-model-path, ...).")
                .WithExample("convert", "--model_path", "bert-base-cased-squad.pt", "--model_framework", "pytorch", "--framework_version", "1.13",
                    "--input_names", "input_names,input_mask,segment_ids", "--output_names", "start,end", "--input_shapes", "[[-1,256],[-1,256],[-1,256]]",
                    "--input_types", "int64,int64,int64", "--onnx_opset", "11", "--onnx_model_path", "model_repository/bertsquad/1/model.onnx")
                .WithExample("convert", "--model-path", "model.pth", "--trust-pickle", "--input-names", "image", "--input-types", "float32",
                    "--input-shapes", "[[-1,3,224,224]]", "--onnx-model-path", "model_repository/resnet/1/model.onnx")
                .WithExample("convert", "--model_path", "model.onnx", "--onnx_model_path", "model_repository/mymodel/1/model.onnx");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("Show one pipeline (or the recent ones) from the orchestrator's HTTP API.")
                .WithExample("status", "3f2c...", "--api", "http://localhost:5210", "--api-key", "<key>");
            config.AddCommand<WatchCommand>("watch")
                .WithDescription("Follow one pipeline (or the recent ones) from the orchestrator's HTTP API: stage, percent, measurements and best so far, a line each time it moves, until it ends.")
                .WithExample("watch", "3f2c...", "--api", "http://localhost:5210", "--api-key", "<key>")
                .WithExample("watch", "--count", "5");
            config.AddCommand<CancelCommand>("cancel")
                .WithDescription("Ask the orchestrator to cancel a running pipeline; it moves to Cancelled and its stages stop.")
                .WithExample("cancel", "3f2c...", "--reason", "wrong model", "--api-key", "<key>");
            config.AddCommand<ProfileCommand>("profile")
                .WithDescription("Model Analyzer's profile from its YAML: search the serving configs (brute or quick), sweep each over the load, checkpoint every measurement (run again to resume).")
                .WithExample("profile", "-f", "model-analyzer-profile.yml")
                .WithExample("profile", "-f", "model-analyzer-profile.yml", "--dry-run");
            config.AddCommand<AnalyzeCommand>("analyze")
                .WithDescription("Model Analyzer's analyze from its YAML: rank the checkpointed measurements, write its CSVs, the summary report, Optimal_Results.png and Optimal_ConfigFile_Location.txt.")
                .WithExample("analyze", "-f", "model-analyzer-analyze.yml");
            config.AddCommand<TuneCommand>("tune")
                .WithAlias("optimize")
                .WithDescription("Tune ONNX Runtime for one ONNX model, the pipeline's tuning stage alone (OLive's optimize): settings, int8 and fp16, each judged for accuracy; writes ort-tuning.csv and the tuned model.onnx + config.pbtxt.")
                .WithExample("tune", "--model_path", "model.onnx", "--result_path", "./tuned", "--quantization_enabled", "--shape", "input_ids:128")
                .WithExample("optimize", "--model_path", "model.onnx", "--providers_list", "cuda,tensorrt", "--trt_fp16_enabled", "--input-data", "inputs.json");
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

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
        });
        return app;
    }
}

using InferencePipeline.Contracts;
using InferencePipeline.OrtTuner;

namespace InferencePipeline.Stages.Tests.OrtTuner;

public sealed class OrtTuningCsvTests
{
    [Fact]
    public void One_row_per_trial_the_chosen_marked_once_and_notes_quoted()
    {
        var baseline = new OrtTrial(OrtSettings.Default, 30, 33.3, 35, MaxAbsDiff: 0, Candidate: "default", AccuracyMetric: "cosine", AccuracyValue: 1, AccuracyOk: true);
        var int8 = new OrtTrial(OrtSettings.Default with { Precision = "int8" }, 70, 14.2, 15.1, MaxAbsDiff: 0.41, Candidate: "int8",
            AccuracyMetric: "cosine", AccuracyValue: 0.99863, AccuracyOk: true, Note: "int8 recipe: 37 of 37 nodes, \"smoothed\"");
        var int8AtFour = int8 with { BatchSize = 4, ThroughputPerSec = 90 };
        var skipped = new OrtTrial(new OrtSettings("TensorRT", "fp16"), 0, 0, 0, "skipped: TensorRT fp16 not enabled", Candidate: "tensorrt-fp16");
        var result = new OrtTuningResult([baseline, int8, int8AtFour, skipped], baseline, int8, "model-int8.onnx", 1, [], TimeSpan.FromSeconds(40));

        var lines = OrtTuningCsv.Format(result).TrimEnd('\n').Split('\n');

        Assert.Equal(
            "candidate,execution_provider,precision,graph_optimization_level,intra_op_threads,inter_op_threads,execution_mode,batch_size," +
            "throughput_infer_per_sec,latency_p50_ms,latency_p99_ms,max_abs_error,accuracy_metric,accuracy_ok,chosen,note", lines[0]);
        Assert.Equal("default,CPU,fp32,99,0,0,sequential,1,30,33.3,35,0,cosine 1,yes,no,", lines[1]);
        Assert.Equal("int8,CPU,int8,99,0,0,sequential,1,70,14.2,15.1,0.41,cosine 0.99863,yes,yes,\"int8 recipe: 37 of 37 nodes, \"\"smoothed\"\"\"", lines[2]);
        Assert.StartsWith("int8,CPU,int8,99,0,0,sequential,4,90,", lines[3]);
        Assert.EndsWith(",no,\"int8 recipe: 37 of 37 nodes, \"\"smoothed\"\"\"", lines[3]);
        Assert.Equal("tensorrt-fp16,TensorRT,fp16,99,0,0,sequential,1,,,,,,,no,skipped: TensorRT fp16 not enabled", lines[4]);
    }
}

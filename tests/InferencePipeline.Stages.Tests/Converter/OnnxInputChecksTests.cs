using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;
using InferencePipeline.Testing.Models;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Stages.Tests.Converter;

/// <summary>
/// What the converter checks on an ONNX file before it accepts it, each refusal a <see cref="StageFailed"/> that
/// names the problem and the fix and leaves nothing in the artifact store: the IR version and opset against the
/// ONNX Runtime that will run it, external-data files (inside the model's folder, present, long enough), and the
/// 2 GB a single file can hold. A model with external data is accepted and copied whole.
/// </summary>
public sealed class OnnxInputChecksTests
{
    [Theory]
    [InlineData(8, 30, "IR version 8 at opset 30", "Opset 30 is under development")]
    [InlineData(14, 13, "IR version 14 at opset 13", "Unsupported model IR version: 14, max supported IR version:")]
    public async Task An_opset_or_ir_version_onnx_runtime_lacks_fails_naming_both_and_the_runtimes_limit(
        long irVersion, long opset, string named, string limit)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "future.onnx");
        OpenShapeModels.WriteStamped(source, irVersion, opset);
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "future", source, ModelFormat.Onnx, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains(named, failed.Reason);
        Assert.Contains($"ONNX Runtime {OnnxModelInspector.RuntimeVersion} cannot run", failed.Reason);
        Assert.Contains(limit, failed.Reason);
        Assert.Contains("opset_version=17", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    [Fact]
    public async Task The_progress_reports_opset_and_ir_version()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "stamped.onnx");
        OpenShapeModels.WriteStamped(source, irVersion: 7, opset: 12);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "stamped", source, ModelFormat.Onnx, [], []));

        Assert.NotNull(stage.Published<ModelConverted>());
        Assert.Contains(stage.AllPublished<StageProgress>(), p => p.Message.Contains("opset 12, IR version 7"));
    }

    [Fact]
    public async Task A_model_with_external_data_is_accepted_and_copied_whole_into_the_store_and_the_repository_entry()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "big", "model.onnx");
        OpenShapeModels.WriteWithExternalData(source, "data/weights.bin");

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "big", source, ModelFormat.Auto, [], []));

        Assert.Null(stage.Published<StageFailed>());
        var converted = Assert.IsType<ModelConverted>(stage.Published<ModelConverted>());
        var stored = stage.Store.PathFor(converted.OnnxUri);
        var entryModel = Path.Combine(Path.GetDirectoryName(stage.Store.PathFor(converted.DefaultConfigUri))!, "1", "model.onnx");
        var data = await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(source)!, "data", "weights.bin"));
        foreach (var copy in new[] { stored, entryModel })
        {
            Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(copy)!, "data", "weights.bin")));
            // The copy runs on its own: ONNX Runtime finds the weights beside it and adds them.
            Assert.Equal(OpenShapeModels.ExternalDataWeights, RunOnZeros(copy));
        }

        Assert.Contains(stage.AllPublished<StageProgress>(), p => p.Message.Contains("external data in data/weights.bin"));
    }

    [Theory]
    [InlineData("../outside.bin", "outside the model's folder")]
    [InlineData("/etc/hostname", "an absolute path")]
    public async Task External_data_outside_the_models_folder_is_refused_naming_the_file_and_nothing_is_copied(string location, string why)
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "escape", "model.onnx");
        OpenShapeModels.WriteWithExternalData(source, location, writeData: !Path.IsPathRooted(location));
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "escape", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains($"tensor 'w' in '{location}'", failed.Reason);
        Assert.Contains(why, failed.Reason);
        Assert.Contains("save_as_external_data=True", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    [Fact]
    public async Task A_missing_external_data_file_is_named()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "nodata", "model.onnx");
        OpenShapeModels.WriteWithExternalData(source, "weights.bin", writeData: false);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "nodata", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("external-data file 'weights.bin', which is not in the model's folder", failed.Reason);
        Assert.Contains("Copy every external-data file of the model beside it: weights.bin", failed.Reason);
    }

    [Fact]
    public async Task A_truncated_external_data_file_is_refused()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "short", "model.onnx");
        OpenShapeModels.WriteWithExternalData(source, "weights.bin");
        var data = Path.Combine(Path.GetDirectoryName(source)!, "weights.bin");
        File.WriteAllBytes(data, File.ReadAllBytes(data)[..80]);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "short", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("at bytes 64..128 of 'weights.bin', which holds 80 bytes", failed.Reason);
    }

    [Fact]
    public async Task A_single_file_over_2_gb_is_refused_asking_for_external_data()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "huge.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        using (var file = File.Create(source))
        {
            file.SetLength(OnnxModelInspector.MaxSingleFileBytes + 1); // sparse: no disk space used
        }

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "huge", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("huge.onnx' is one file of 2.15 GB, over the 2 GB a protobuf message", failed.Reason);
        Assert.Contains("save_as_external_data=True", failed.Reason);
    }

    [Fact]
    public async Task A_truncated_onnx_file_fails_naming_the_file()
    {
        await using var stage = await StageHarness.StartAsync(x => x.AddConverter());
        var source = Path.Combine(stage.Root, "uploads", "half.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        var bytes = File.ReadAllBytes(TestModels.Bert);
        File.WriteAllBytes(source, bytes[..(bytes.Length / 2)]);
        var id = Guid.NewGuid();

        await stage.SendAndWaitAsync(new ConvertModel(id, "half", source, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("half.onnx", failed.Reason);
        Assert.Contains("check that the file was copied whole", failed.Reason);
        AssertNothingWritten(stage, id);
    }

    private static void AssertNothingWritten(StageHarness stage, Guid id) =>
        Assert.False(Directory.Exists(Path.Combine(stage.Store.Root, id.ToString("N"))), "a refused model must leave nothing in the artifact store");

    private static float[] RunOnZeros(string modelPath)
    {
        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[16], [1, 16]);
        using var results = session.Run(new RunOptions(), ["INPUT0"], [input], ["OUTPUT0"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}

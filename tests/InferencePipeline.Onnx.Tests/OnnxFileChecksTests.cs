using InferencePipeline.ModelRepository;
using InferencePipeline.ModelRepository.OnnxFiles;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Onnx.Tests;

/// <summary>
/// The file-level facts the converter relies on: the wire-format scan (IR version, opset, external data without
/// reading the weights), the inspector's dim names and external-data files, and the repository copying a model's
/// external data beside every copy, also when the entry it copies from is a link.
/// </summary>
public sealed class OnnxFileChecksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("inferpipe-onnx-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_scan_reads_ir_version_opset_and_external_data_entries()
    {
        var model = Path.Combine(_dir, "ext", "model.onnx");
        OpenShapeModels.WriteWithExternalData(model, "data/w.bin");

        var bert = OnnxFileScanner.Scan(TestModels.Bert);
        var external = OnnxFileScanner.Scan(model);

        Assert.Equal((8L, 17L), (bert.IrVersion, bert.DefaultOpset));
        Assert.Empty(bert.ExternalData);
        Assert.Equal((8L, 13L), (external.IrVersion, external.DefaultOpset));
        Assert.Equal(new ExternalTensorData("w", "data/w.bin", 64, 64), Assert.Single(external.ExternalData));
    }

    [Fact]
    public void A_truncated_file_does_not_scan()
    {
        var truncated = Path.Combine(_dir, "truncated.onnx");
        File.WriteAllBytes(truncated, File.ReadAllBytes(TestModels.Bert)[..3000]);

        Assert.Throws<InvalidDataException>(() => OnnxFileScanner.Scan(truncated));
    }

    [Fact]
    public void The_inspector_names_open_dims_as_the_model_does_and_lists_external_data()
    {
        var encoder = Path.Combine(_dir, "encoder.onnx");
        OpenShapeModels.WriteSequenceEncoder(encoder);
        var external = Path.Combine(_dir, "ext", "model.onnx");
        OpenShapeModels.WriteWithExternalData(external, "w.bin");

        var info = OnnxModelInspector.Inspect(encoder);

        Assert.Equal("sequence", info.DimName("input_ids", 1));
        Assert.Equal(13, info.OpsetVersion);
        Assert.Equal(8, info.IrVersion);
        Assert.Empty(info.ExternalDataFiles!);
        Assert.Equal(["w.bin"], OnnxModelInspector.Inspect(external).ExternalDataFiles);
    }

    [Fact]
    public async Task A_repository_entry_gets_the_external_data_beside_its_model_even_through_a_link()
    {
        var source = Path.Combine(_dir, "source", "model.onnx");
        OpenShapeModels.WriteWithExternalData(source, "w.bin");
        var link = Path.Combine(_dir, "variants", "v", "1", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, source);
        var config = new Inference.ModelConfig { Name = "ext", Backend = "onnxruntime" };

        await ModelRepositoryLayout.CreateEntryAsync(Path.Combine(_dir, "repo"), "ext", link, config);

        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "source", "w.bin")), File.ReadAllBytes(Path.Combine(_dir, "repo", "ext", "1", "w.bin")));
        Assert.Equal(source, ModelRepositoryLayout.ServedModelPath(Path.Combine(_dir, "variants", "v", "config.pbtxt"), "re-run it."));
    }

    [Fact]
    public void External_data_through_a_link_that_leaves_the_folder_is_refused()
    {
        var model = Path.Combine(_dir, "linked", "model.onnx");
        OpenShapeModels.WriteWithExternalData(model, "w.bin", writeData: false);
        var outside = Path.Combine(_dir, "outside.bin");
        File.WriteAllBytes(outside, new byte[128]);
        File.CreateSymbolicLink(Path.Combine(_dir, "linked", "w.bin"), outside);

        var e = Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(model));

        Assert.Contains("a link to a file outside the model's folder", e.Message);
        Assert.True(e.RemedyIncluded);
    }

    [Fact]
    public void A_transform_takes_external_data_inline_and_writes_a_model_that_stands_alone()
    {
        var model = Path.Combine(_dir, "ext-fp16", "model.onnx");
        OpenShapeModels.WriteWithExternalData(model, "data/w.bin");
        var converted = Path.Combine(_dir, "converted", "model-fp16.onnx");

        InferencePipeline.Onnx.Precision.Fp16Converter.Convert(model, converted);

        Assert.Empty(OnnxFileScanner.Scan(converted).ExternalData);
        Assert.Equal(["model-fp16.onnx"], Directory.GetFiles(Path.GetDirectoryName(converted)!).Select(Path.GetFileName));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(converted);
        var zeros = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>([1, 16]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("INPUT0", zeros)]);
        var output = results.Single().AsEnumerable<float>().ToArray();
        Assert.Equal(OpenShapeModels.ExternalDataWeights, output, (a, b) => Math.Abs(a - b) <= 1e-2f);
    }

    [Fact]
    public void A_transform_refuses_external_data_outside_the_models_folder_naming_the_tensor()
    {
        var model = Path.Combine(_dir, "escape", "model.onnx");
        OpenShapeModels.WriteWithExternalData(model, "../w.bin", writeData: false);
        File.WriteAllBytes(Path.Combine(_dir, "w.bin"), new byte[128]);

        var e = Assert.Throws<InvalidModelException>(() =>
            InferencePipeline.Onnx.Precision.Fp16Converter.Convert(model, Path.Combine(_dir, "escape-fp16.onnx")));

        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("outside the model's folder", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "escape-fp16.onnx")));
    }
}

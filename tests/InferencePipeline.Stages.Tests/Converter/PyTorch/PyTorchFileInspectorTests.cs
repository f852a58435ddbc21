using System.IO.Compression;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

/// <summary>The file kind comes from the zip directory and first bytes alone, for files torch itself wrote.</summary>
[Collection(PyTorchCollection.Name)]
public sealed class PyTorchFileInspectorTests(PyTorchTestModels models)
{
    [Theory]
    [InlineData("mlp.pt", PyTorchFileKind.TorchScript)]
    [InlineData("bert.pt", PyTorchFileKind.TorchScript)]
    [InlineData("sequential.pth", PyTorchFileKind.Pickle)]
    [InlineData("cnn.pth", PyTorchFileKind.Pickle)]
    [InlineData("mlp_state_dict.pth", PyTorchFileKind.Pickle)]
    [InlineData("sequential_legacy.pth", PyTorchFileKind.LegacyPickle)]
    public void Tells_torchscript_from_pickles(string file, PyTorchFileKind expected) =>
        Assert.Equal(expected, PyTorchFileInspector.Detect(Path.Combine(models.Models, file)));

    [Fact]
    public void A_zip_without_torch_contents_is_not_a_pytorch_file()
    {
        string path = Path.Combine(models.Root, "archive-" + Guid.NewGuid().ToString("N") + ".pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("photos/readme.txt").Open());
            writer.Write("holiday pictures");
        }

        var e = Assert.Throws<PyTorchExportException>(() => PyTorchFileInspector.Detect(path));

        Assert.Equal(PyTorchExportError.CorruptFile, e.Error);
        Assert.Contains("without TorchScript code (constants.pkl, code/) or a torch.save pickle (data.pkl)", e.Summary);
    }

    [Fact]
    public void An_empty_file_is_corrupt()
    {
        string path = Path.Combine(models.Root, "empty-" + Guid.NewGuid().ToString("N") + ".pt");
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<PyTorchExportException>(() => PyTorchFileInspector.Detect(path));

        Assert.Equal(PyTorchExportError.CorruptFile, e.Error);
        Assert.Contains("the file is empty", e.Summary);
    }
}

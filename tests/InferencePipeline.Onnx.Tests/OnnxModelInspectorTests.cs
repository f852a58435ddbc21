using InferencePipeline.Testing.Models;

namespace InferencePipeline.Onnx.Tests;

public sealed class OnnxModelInspectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("inferpipe-inspect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Random_bytes_are_an_invalid_model_naming_the_file_and_ort_error()
    {
        string path = Path.Combine(_dir, "garbage.onnx");
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(path));

        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.ModelPath);
        Assert.NotNull(e.InnerException);
        Assert.Contains(e.InnerException!.Message.Split('\n')[0], e.Message);
    }

    [Fact]
    public void A_truncated_model_is_invalid()
    {
        string path = Path.Combine(_dir, "truncated.onnx");
        var bytes = File.ReadAllBytes(TestModels.Bert);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(path));
    }

    [Fact]
    public void A_missing_file_says_it_does_not_exist()
    {
        string path = Path.Combine(_dir, "absent.onnx");

        var e = Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(path));

        Assert.Contains("does not exist", e.Message);
        Assert.Contains(path, e.Message);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    [Fact]
    public void An_empty_file_is_invalid()
    {
        string path = Path.Combine(_dir, "empty.onnx");
        File.WriteAllBytes(path, []);

        Assert.Throws<InvalidModelException>(() => OnnxModelInspector.Inspect(path));
    }
}

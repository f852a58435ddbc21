using InferencePipeline.Cli;
using InferencePipeline.Cli.Commands;
using InferencePipeline.Contracts;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.EndToEndTests;

/// <summary>
/// <c>demo</c>/<c>run</c>'s <c>--shape NAME:D1,D2</c> (perf_analyzer's, without the batch dim) becomes the request's
/// declared inputs, with the model's names and types; sizes that do not fit the model fail before anything is sent.
/// </summary>
public sealed class ShapeInputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("inferpipe-shapes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_shape_per_open_input_declares_it_with_the_models_type_and_a_dynamic_batch()
    {
        var encoder = Write("encoder.onnx", OpenShapeModels.WriteSequenceEncoder);
        var settings = new RunCommand.Settings { Model = encoder, Shapes = ["input_ids:128", "attention_mask:128"], TrustPickle = true, OnnxOpset = 14 };

        var inputs = ShapeInputs.From(settings, encoder, out var error);
        var request = settings.ToRequest(encoder, inputs);

        Assert.Null(error);
        Assert.Equal(["input_ids", "attention_mask"], request.Inputs.Select(i => i.Name));
        Assert.All(request.Inputs, i => Assert.Equal(("INT64", "-1,128"), (i.DataType, string.Join(",", i.Shape))));
        Assert.True(request.TrustPickle);
        Assert.Equal(14, request.OnnxOpset);
    }

    [Fact]
    public void An_image_shape_gives_every_dimension_but_the_batch()
    {
        var cnn = Write("cnn.onnx", OpenShapeModels.WriteImageCnn);

        var inputs = ShapeInputs.From(new DemoCommand.Settings { Shapes = ["image:3,224,224"] }, cnn, out _);

        Assert.Equal([-1L, 3, 224, 224], Assert.Single(inputs!).Shape);
    }

    [Theory]
    [InlineData("token_ids:128", "the model has no input 'token_ids' (its inputs: input_ids, attention_mask)")]
    [InlineData("input_ids:128,4", "gives 2 size(s), but 'input_ids' has 1 dimension(s) besides the batch ([-1,-1])")]
    public void A_shape_that_does_not_fit_the_model_is_an_error_naming_it(string shape, string expected)
    {
        var encoder = Write("encoder.onnx", OpenShapeModels.WriteSequenceEncoder);

        var inputs = ShapeInputs.From(new DemoCommand.Settings { Shapes = [shape] }, encoder, out var error);

        Assert.Null(inputs);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_pytorch_model_takes_its_types_from_input_types_in_order()
    {
        var settings = new RunCommand.Settings { Shapes = ["input_ids:256", "mask:256"], InputTypes = "int64,long" };

        var inputs = ShapeInputs.From(settings, Path.Combine(_dir, "bert.pt"), out var error);

        Assert.Null(error);
        Assert.Equal([new TensorSpec("input_ids", "INT64", [-1, 256]), new TensorSpec("mask", "INT64", [-1, 256])],
            inputs!.Select(i => i with { Shape = i.Shape.ToArray() }).ToList(), new SpecEquality());
    }

    [Theory]
    [InlineData("model.pt", "int64", "one --input-types entry per --shape, in order: 2 --shape and 1 type(s)")]
    [InlineData("model.onnx", "int64,int64", "--input-types is for PyTorch models")]
    public void Input_types_must_match_the_shapes_and_only_pytorch_takes_them(string file, string types, string expected)
    {
        var path = file.EndsWith(".onnx") ? Write(file, OpenShapeModels.WriteSequenceEncoder) : Path.Combine(_dir, file);

        var inputs = ShapeInputs.From(new RunCommand.Settings { Shapes = ["input_ids:8", "attention_mask:8"], InputTypes = types }, path, out var error);

        Assert.Null(inputs);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("--shape", "input_ids")]
    [InlineData("--shape", "input_ids:0")]
    [InlineData("--onnx-opset", "0")]
    public async Task Run_refuses_a_malformed_shape_or_opset_before_connecting_anywhere(string option, string value)
    {
        var console = new RecordingConsole();

        var exit = await InferpipeApp.Create(console.Console).RunAsync(["run", "--model", "m.onnx", "--api", "http://127.0.0.1:1", option, value]);

        Assert.NotEqual(0, exit);
        Assert.Contains(option, console.Output);
    }

    private string Write(string name, Action<string> write)
    {
        var path = Path.Combine(_dir, name);
        write(path);
        return path;
    }

    private sealed class SpecEquality : IEqualityComparer<TensorSpec>
    {
        public bool Equals(TensorSpec? x, TensorSpec? y) =>
            x is not null && y is not null && x.Name == y.Name && x.DataType == y.DataType && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode(TensorSpec obj) => obj.Name.GetHashCode();
    }
}

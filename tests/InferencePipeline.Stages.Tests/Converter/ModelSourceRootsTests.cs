using InferencePipeline.Artifacts;
using InferencePipeline.Contracts;
using InferencePipeline.Converter;
using InferencePipeline.Onnx;

namespace InferencePipeline.Stages.Tests.Converter;

/// <summary>
/// The converter reads a model only from the artifact store or an allowed root, whatever a message names: the HTTP API
/// checks first, but anything on the bus can send ConvertModel.
/// </summary>
public sealed class ModelSourceRootsTests : IDisposable
{
    private readonly string _allowed = Directory.CreateTempSubdirectory("inferpipe-roots-allowed-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("inferpipe-roots-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_allowed, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private Task<StageHarness> StartAsync() =>
        StageHarness.StartAsync(x => x.AddConverter(), new Dictionary<string, string?> { ["Pipeline:Models:AllowedRoots:0"] = _allowed });

    [Fact]
    public async Task A_model_outside_every_root_fails_naming_the_roots_and_the_way_in()
    {
        await using var stage = await StartAsync();
        var model = Path.Combine(_outside, "add.onnx");
        DemoModels.WriteAdd(model);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "add", model, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("outside the allowed model roots", failed.Reason);
        Assert.Contains(RealPath.Of(_allowed), failed.Reason);
        Assert.Contains("POST /models", failed.Reason);
        Assert.Null(stage.Published<ModelConverted>());
    }

    [Fact]
    public async Task A_link_inside_a_root_to_a_model_outside_it_fails_and_one_to_a_model_inside_converts()
    {
        await using var stage = await StartAsync();
        var outsideModel = Path.Combine(_outside, "add.onnx");
        DemoModels.WriteAdd(outsideModel);
        var linkOut = Path.Combine(_allowed, "out.onnx");
        File.CreateSymbolicLink(linkOut, outsideModel);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "add", linkOut, ModelFormat.Auto, [], []));

        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("through a symbolic link", failed.Reason);

        var insideModel = Path.Combine(_allowed, "real.onnx");
        DemoModels.WriteAdd(insideModel);
        var linkIn = Path.Combine(_allowed, "in.onnx");
        File.CreateSymbolicLink(linkIn, insideModel);
        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "add_in", linkIn, ModelFormat.Auto, [], []));
        Assert.NotNull(stage.Published<ModelConverted>());
    }

    [Fact]
    public async Task An_uploaded_model_converts_from_its_artifact_uri_and_one_that_climbs_out_of_the_store_fails()
    {
        await using var stage = await StartAsync();
        var model = Path.Combine(_outside, "add.onnx");
        DemoModels.WriteAdd(model);
        await using var content = File.OpenRead(model);
        var stored = await new UploadStore(stage.Store).StoreAsync(
            content, UploadStore.ModelsFolder, "add.onnx", ModelIntakeOptions.DefaultMaxUploadBytes, check: null, CancellationToken.None);

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "add", stored.Uri, ModelFormat.Auto, [], []));
        Assert.NotNull(stage.Published<ModelConverted>());

        await stage.SendAndWaitAsync(new ConvertModel(Guid.NewGuid(), "climb", "artifacts/models/../../../etc/passwd", ModelFormat.Onnx, [], []));
        var failed = Assert.IsType<StageFailed>(stage.Published<StageFailed>());
        Assert.Contains("'..'", failed.Reason);
    }
}

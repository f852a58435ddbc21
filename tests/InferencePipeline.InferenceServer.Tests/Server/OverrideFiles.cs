using Google.Protobuf;
using Inference;
using InferencePipeline.ModelRepository;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>What a file-override load sends: model bytes made by DemoModels and a config for them as JSON.</summary>
public static class OverrideFiles
{
    /// <summary>The bytes of a model.onnx computing <c>OUTPUT0 = INPUT0 + addend</c>.</summary>
    public static byte[] AddConstantModel(float addend)
    {
        var path = Path.Combine(Path.GetTempPath(), $"inferpipe-override-source-{Guid.NewGuid():N}.onnx");
        try
        {
            DemoModels.WriteAddConstant(path, addend);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Config JSON for the add-constant model under <paramref name="name"/>, serving all the versions it is given.</summary>
    public static string ConfigJson(string name, int maxBatchSize)
    {
        var config = DefaultModelConfig.Create(name, DemoModels.TrivialInputs, DemoModels.TrivialOutputs, maxBatchSize);
        config.VersionPolicy = new ModelVersionPolicy { All = new ModelVersionPolicy.Types.All() };
        return JsonFormatter.Default.Format(config);
    }
}

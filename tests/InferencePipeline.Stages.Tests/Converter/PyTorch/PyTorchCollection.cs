using InferencePipeline.Testing.Models;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

/// <summary>The exporter test classes share one set of built models (and, on 2 cores, run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PyTorchCollection : ICollectionFixture<PyTorchTestModels>
{
    public const string Name = "pytorch-export";
}

using InferencePipeline.LoadGen;

namespace InferencePipeline.InferenceServer.Tests.LoadGen;

/// <summary>A target that costs nothing: measures the load generator's own ceiling.</summary>
internal sealed class NoOpTarget : IInferenceTarget
{
    public ValueTask InferAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

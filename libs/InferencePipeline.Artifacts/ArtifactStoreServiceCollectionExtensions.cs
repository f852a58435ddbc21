using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InferencePipeline.Artifacts;

public static class ArtifactStoreServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="ArtifactStore"/> rooted at <c>Pipeline:Artifacts:Root</c>.</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services)
    {
        services.AddOptions<ArtifactStoreOptions>().BindConfiguration(ArtifactStoreOptions.Section);
        services.TryAddSingleton(sp => new ArtifactStore(sp.GetRequiredService<IOptions<ArtifactStoreOptions>>().Value.Root));
        return services;
    }
}

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

    /// <summary>
    /// The artifact store plus what decides which files (model, input data) a pipeline may read
    /// (<see cref="ModelSourcePolicy"/>, from <c>Pipeline:Models</c>): what every stage that opens such a file needs.
    /// </summary>
    public static IServiceCollection AddModelSources(this IServiceCollection services)
    {
        services.AddArtifactStore();
        services.AddOptions<ModelIntakeOptions>().BindConfiguration(ModelIntakeOptions.Section);
        services.TryAddSingleton(sp => new ModelSourcePolicy(
            sp.GetRequiredService<ArtifactStore>(), sp.GetRequiredService<IOptions<ModelIntakeOptions>>().Value.AllowedRoots));
        return services;
    }

    /// <summary>
    /// <see cref="AddModelSources"/> plus where uploaded files go (<see cref="UploadStore"/>): what the HTTP API needs.
    /// </summary>
    public static IServiceCollection AddModelIntake(this IServiceCollection services)
    {
        services.AddModelSources();
        services.TryAddSingleton<UploadStore>();
        return services;
    }
}

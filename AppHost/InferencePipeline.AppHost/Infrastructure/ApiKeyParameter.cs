namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// The key of the orchestrator's HTTP API: the secret parameter <c>api-key</c>, shown masked on the dashboard, set with
/// <c>Parameters__api-key</c> (or <c>Parameters:api-key</c> in any configuration source), generated when not given and
/// kept in the AppHost's user secrets so it stays the same across runs. Published, it is a secret input of the manifest.
/// </summary>
public static class ApiKeyParameter
{
    public const string Name = "api-key";

    /// <summary>The orchestrator's setting the key is passed as (<c>Pipeline:Api:Key</c>).</summary>
    public const string OrchestratorVariable = "Pipeline__Api__Key";

    public static IResourceBuilder<ParameterResource> AddApiKey(this IDistributedApplicationBuilder builder) =>
        // 32 letters and digits: ~185 bits, and nothing a shell or an HTTP header needs quoted.
        builder.AddParameter(Name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    public static IResourceBuilder<ProjectResource> WithApiKey(this IResourceBuilder<ProjectResource> project, IResourceBuilder<ParameterResource> key) =>
        project.WithEnvironment(OrchestratorVariable, key);
}

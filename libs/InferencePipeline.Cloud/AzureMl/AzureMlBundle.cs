using InferencePipeline.ModelRepository;

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// What <c>az ml</c> needs to deploy one Triton model, in one directory: endpoint.yml, deployment.yml and a
/// <c>model_repository/</c> holding only the chosen model (its config.pbtxt and model file), checked first as Triton
/// will load it. Nothing is written when the check fails.
/// </summary>
public static class AzureMlBundle
{
    public const string EndpointFile = "endpoint.yml";
    public const string DeploymentFile = "deployment.yml";
    public const string RepositoryFolder = "model_repository";

    /// <summary>The model asset's version when az ml registers the bundle: one bundle, one version.</summary>
    public const string ModelVersion = "1";

    public static async Task<AzureMlBundleResult> WriteAsync(
        AzureMlDeploymentSpec spec,
        string sourceRepository,
        string outputDirectory,
        AzureMlWorkspace? workspace = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        InvalidDeploymentException.ThrowIfAny(spec.Problems());
        var entry = TritonRepositoryCheck.Check(sourceRepository, spec);

        var output = Path.GetFullPath(outputDirectory);
        var repository = Path.Combine(output, RepositoryFolder);
        if (IsInside(repository, Path.GetFullPath(sourceRepository)) || IsInside(Path.GetFullPath(sourceRepository), repository))
        {
            throw new InvalidDeploymentException([$"The output directory '{outputDirectory}' overlaps the model repository '{sourceRepository}'; write the bundle elsewhere."]);
        }

        // A bundle holds one model: what an earlier bundle left in the repository would be uploaded and served too.
        if (Directory.Exists(repository))
        {
            Directory.Delete(repository, recursive: true);
        }

        var document = entry.Document;
        if (document.Config.Name != spec.ModelName)
        {
            var named = document.Config.Clone();
            named.Name = spec.ModelName;
            document = document.WithConfig(named);
        }

        await ModelRepositoryLayout.CreateEntryAsync(repository, spec.ModelName, entry.ModelPath, document, entry.Version, cancellationToken);
        var endpointYaml = Path.Combine(output, EndpointFile);
        var deploymentYaml = Path.Combine(output, DeploymentFile);
        await File.WriteAllTextAsync(endpointYaml, AzureMlYaml.Endpoint(spec), cancellationToken);
        await File.WriteAllTextAsync(deploymentYaml, AzureMlYaml.Deployment(spec, "./" + RepositoryFolder, ModelVersion), cancellationToken);
        return new AzureMlBundleResult(output, endpointYaml, deploymentYaml, repository, entry,
            AzureMlCliCommands.For(endpointYaml, deploymentYaml, workspace));
    }

    private static bool IsInside(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path);
        return relative == "." || !(relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative));
    }
}

/// <summary>Where the bundle's parts are, the model entry it holds, and the commands that deploy it.</summary>
public sealed record AzureMlBundleResult(
    string Directory,
    string EndpointYaml,
    string DeploymentYaml,
    string Repository,
    TritonRepositoryEntry Entry,
    IReadOnlyList<string> Commands);

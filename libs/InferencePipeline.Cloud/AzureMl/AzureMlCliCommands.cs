namespace InferencePipeline.Cloud.AzureMl;

/// <summary>
/// The Azure CLI (ml extension) commands that deploy a bundle: create the endpoint, then the deployment with all
/// the traffic. Without a workspace the commands rely on <c>az configure --defaults group=... workspace=...</c>.
/// </summary>
public static class AzureMlCliCommands
{
    public static IReadOnlyList<string> For(string endpointYaml, string deploymentYaml, AzureMlWorkspace? workspace)
    {
        var target = workspace is null
            ? ""
            : $" --subscription {workspace.SubscriptionId} --resource-group {Quote(workspace.ResourceGroup)} --workspace-name {Quote(workspace.Workspace)}";
        return
        [
            $"az ml online-endpoint create --file {Quote(endpointYaml)}{target}",
            $"az ml online-deployment create --file {Quote(deploymentYaml)} --all-traffic{target}",
        ];
    }

    /// <summary>A path or name as one shell word: single-quoted when it holds anything a POSIX shell would read.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '=')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

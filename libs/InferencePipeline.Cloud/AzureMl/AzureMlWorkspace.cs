namespace InferencePipeline.Cloud.AzureMl;

/// <summary>Where the endpoint lives: an Azure ML workspace in a resource group of a subscription.</summary>
public sealed record AzureMlWorkspace(string SubscriptionId, string ResourceGroup, string Workspace)
{
    /// <summary>The workspace's ARM resource id.</summary>
    public string ResourceId =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{Workspace}";

    /// <summary>What is missing or malformed, naming the option to give; empty when the workspace is fully named.</summary>
    public static IReadOnlyList<string> Problems(string? subscriptionId, string? resourceGroup, string? workspace)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(subscriptionId) || !Guid.TryParse(subscriptionId, out _))
        {
            problems.Add($"Subscription '{subscriptionId}' is not a subscription id (a GUID, as 'az account show --query id' prints it).");
        }

        if (string.IsNullOrWhiteSpace(resourceGroup) || resourceGroup.Length > 90)
        {
            problems.Add("Give the workspace's resource group (1-90 characters).");
        }

        // The workspace name rule ARM states for this API: a letter or digit, then 2-32 letters, digits, '_' or '-'.
        if (string.IsNullOrWhiteSpace(workspace) || workspace.Length is < 3 or > 33
            || !char.IsAsciiLetterOrDigit(workspace[0]) || !workspace.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            problems.Add($"Workspace '{workspace}' is not an Azure ML workspace name (3-33 letters, digits, '_' or '-', starting with a letter or digit).");
        }

        return problems;
    }
}

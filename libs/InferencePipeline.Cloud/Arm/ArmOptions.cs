namespace InferencePipeline.Cloud.Arm;

/// <summary>How the ARM calls are made: the cloud's endpoints, the patience for throttling and provisioning.</summary>
public sealed class ArmOptions
{
    /// <summary>Azure Resource Manager of the public cloud; sovereign clouds have their own.</summary>
    public Uri ManagementEndpoint { get; init; } = new("https://management.azure.com/");

    /// <summary>The token audience for ARM.</summary>
    public string ManagementScope { get; init; } = "https://management.azure.com/.default";

    /// <summary>The token audience for blob storage (the workspace's datastore the model repository is uploaded to).</summary>
    public string StorageScope { get; init; } = "https://storage.azure.com/.default";

    /// <summary>How often a throttled (429) or briefly unavailable (503) request is tried again before giving up.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The longest Retry-After honoured; a longer one ends the deployment with the time to wait in the message.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Poll interval of a long-running operation whose answer names none.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one long-running operation may take. A GPU deployment pulls Triton's image and the model and
    /// typically takes 10-20 minutes.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(60);
}

namespace InferencePipeline.Cloud.Aca;

/// <summary>What the manifest does not say and Container Apps needs: which apps scale on which queue, and how far.</summary>
public sealed class AcaPublishOptions
{
    /// <summary>App name → the RabbitMQ queue whose length scales it (KEDA's rabbitmq scaler).</summary>
    public IReadOnlyDictionary<string, string> QueueScaledApps { get; init; } = new Dictionary<string, string>();

    /// <summary>The RabbitMQ resource whose AMQP URI the scale rules read.</summary>
    public string RabbitMqResource { get; init; } = "rabbitmq";

    /// <summary>Messages waiting per replica before KEDA adds one.</summary>
    public int MessagesPerReplica { get; init; } = 1;

    public int MaxReplicas { get; init; } = 5;

    /// <summary>The environment variable that says where a service's artifact store is: the shared volume is mounted there.</summary>
    public string ArtifactsRootVariable { get; init; } = "Pipeline__Artifacts__Root";

    /// <summary>The shared volume's name in the manifest.</summary>
    public string ArtifactsVolume { get; init; } = "artifacts";

    /// <summary>Images that need an NVIDIA GPU: their apps run on the GPU workload profile.</summary>
    public IReadOnlyList<string> GpuImagePrefixes { get; init; } = ["nvcr.io/nvidia/tritonserver"];

    /// <summary>The port ASP.NET Core listens on in a .NET container image, as azd deploys projects.</summary>
    public int ProjectPort { get; init; } = 8080;
}

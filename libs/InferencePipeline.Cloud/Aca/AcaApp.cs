namespace InferencePipeline.Cloud.Aca;

/// <summary>One container app as the generator plans it; values are Bicep expressions.</summary>
public sealed record AcaApp(string Name, string ImageExpression, bool FromProject)
{
    public AcaIngress? Ingress { get; set; }

    public List<string> Command { get; } = [];

    public List<string> Args { get; } = [];

    /// <summary>Env name → Bicep string (a literal or interpolation, quotes included) or the secret it reads.</summary>
    public List<(string Name, string? Value, string? SecretRef)> Env { get; } = [];

    /// <summary>Secret name → Bicep string expression.</summary>
    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>(volume = environment storage name, mount path).</summary>
    public List<(string Share, string MountPath)> Volumes { get; } = [];

    public string? ScaleQueue { get; set; }

    public bool Gpu { get; set; }

    public bool Stateful { get; set; }
}

/// <summary>
/// Ingress: the main port (tcp for brokers, http2 for gRPC, http otherwise), external only when the manifest
/// marks the binding external, and the other ports as additional port mappings.
/// </summary>
public sealed record AcaIngress(string Transport, int TargetPort, bool External, IReadOnlyList<int> AdditionalPorts);

namespace InferencePipeline.Cloud.AzureMl;

/// <summary>How clients authenticate to the endpoint: a static key, or an Azure ML token that expires.</summary>
public enum AzureMlAuthMode
{
    Key,
    AmlToken,
}

/// <summary>The spellings of <see cref="AzureMlAuthMode"/> in the CLI v2 YAML, the ARM API and on our command line.</summary>
public static class AzureMlAuthModes
{
    /// <summary><c>auth_mode</c> in endpoint.yml.</summary>
    public static string YamlName(AzureMlAuthMode mode) => mode == AzureMlAuthMode.Key ? "key" : "aml_token";

    /// <summary><c>properties.authMode</c> in the ARM request body.</summary>
    public static string ArmName(AzureMlAuthMode mode) => mode == AzureMlAuthMode.Key ? "Key" : "AMLToken";

    /// <summary>"key", "aml_token" (as az ml writes them; case and '-' forgiven) → the mode; anything else names the choices.</summary>
    public static AzureMlAuthMode Parse(string? text) => (text ?? "").Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "" or "key" => AzureMlAuthMode.Key,
        "aml_token" or "amltoken" => AzureMlAuthMode.AmlToken,
        _ => throw new ArgumentException($"Unknown auth mode '{text}': use key or aml_token.", nameof(text)),
    };
}

namespace InferencePipeline.LocalInfrastructure;

/// <summary>What one <see cref="ProtocolProbe"/> attempt found: ready or not, and in words why.</summary>
public sealed record ProbeResult(bool Ready, string Detail);

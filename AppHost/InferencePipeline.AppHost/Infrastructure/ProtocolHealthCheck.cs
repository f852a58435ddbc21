using InferencePipeline.LocalInfrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>
/// A local server's readiness as an Aspire health check: an executable resource without one counts as ready
/// as soon as its process starts, and the services waiting for it would then connect to a server still booting.
/// </summary>
public sealed class ProtocolHealthCheck(ProtocolProbe probe, int port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await probe.CheckAsync(port, cancellationToken);
        return result.Ready ? HealthCheckResult.Healthy(result.Detail) : HealthCheckResult.Unhealthy(result.Detail);
    }
}

using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InferencePipeline.Stages;

public static class PipelineCancellationRegistration
{
    /// <summary>
    /// Lets the stages of this process stop work for a cancelled pipeline: <see cref="PipelineCancellations"/> and a
    /// consumer of <see cref="Contracts.PipelineCancelled"/> on a queue of this process's own (temporary, named with an
    /// instance id), since every replica of every stage must hear it, not one of them. Safe to call once per stage when
    /// several share a process (the demo).
    /// </summary>
    public static IBusRegistrationConfigurator AddPipelineCancellations(this IBusRegistrationConfigurator x)
    {
        if (x.Any(d => d.ServiceType == typeof(PipelineCancellations)))
            return x;

        x.TryAddSingleton<PipelineCancellations>();
        x.AddConsumer<PipelineCancelledConsumer>().Endpoint(e =>
        {
            e.Name = "pipeline-cancelled";
            e.InstanceId = "-" + Guid.NewGuid().ToString("N")[..12];
            e.Temporary = true;
        });
        return x;
    }
}

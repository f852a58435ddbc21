using InferencePipeline.Artifacts;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.OrtTuner;

public static class OrtTunerRegistration
{
    /// <summary>
    /// Adds the tuner's consumer (queue <c>tune-ort</c>), its options (<c>Pipeline:OrtTuner</c>), the artifact store and the
    /// rule on where input data may be read from (<c>Pipeline:Models:AllowedRoots</c>).
    /// </summary>
    public static IBusRegistrationConfigurator AddOrtTuner(this IBusRegistrationConfigurator x)
    {
        x.AddModelSources();
        x.AddOptions<OrtTunerOptions>().BindConfiguration(OrtTunerOptions.Section);
        x.AddConsumer<TuneOrtConsumer, TuneOrtConsumerDefinition>();
        x.AddPipelineCancellations();
        return x;
    }
}

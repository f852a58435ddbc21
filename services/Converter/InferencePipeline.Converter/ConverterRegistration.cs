using InferencePipeline.Artifacts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Converter;

public static class ConverterRegistration
{
    /// <summary>Adds the converter's consumer (queue <c>convert-model</c>), its options (<c>Pipeline:Converter</c>) and the artifact store.</summary>
    public static IBusRegistrationConfigurator AddConverter(this IBusRegistrationConfigurator x)
    {
        x.AddArtifactStore();
        x.AddOptions<ConverterOptions>().BindConfiguration(ConverterOptions.Section);
        x.AddConsumer<ConvertModelConsumer, ConvertModelConsumerDefinition>();
        return x;
    }
}

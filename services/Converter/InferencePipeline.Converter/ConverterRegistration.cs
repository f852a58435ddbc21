using InferencePipeline.Artifacts;
using InferencePipeline.Converter.PyTorch;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Converter;

public static class ConverterRegistration
{
    /// <summary>
    /// Adds the converter's consumer (queue <c>convert-model</c>), its options (<c>Pipeline:Converter</c>), the PyTorch
    /// exporter (<c>Pipeline:Converter:PyTorch</c>) and the artifact store.
    /// </summary>
    public static IBusRegistrationConfigurator AddConverter(this IBusRegistrationConfigurator x)
    {
        x.AddArtifactStore();
        x.AddOptions<ConverterOptions>().BindConfiguration(ConverterOptions.Section);
        x.AddPyTorchExporter();
        x.AddConsumer<ConvertModelConsumer, ConvertModelConsumerDefinition>();
        return x;
    }
}

using InferencePipeline.Artifacts;
using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Converter;

public static class ConverterRegistration
{
    /// <summary>
    /// Adds the converter's consumer (queue <c>convert-model</c>), its options (<c>Pipeline:Converter</c>), the PyTorch
    /// exporter (<c>Pipeline:Converter:PyTorch</c>), the artifact store and the rule on where models may be read from
    /// (<c>Pipeline:Models:AllowedRoots</c>).
    /// </summary>
    public static IBusRegistrationConfigurator AddConverter(this IBusRegistrationConfigurator x)
    {
        x.AddModelSources();
        x.AddOptions<ConverterOptions>().BindConfiguration(ConverterOptions.Section);
        x.AddPyTorchExporter();
        x.AddConsumer<ConvertModelConsumer, ConvertModelConsumerDefinition>();
        x.AddPipelineCancellations();
        return x;
    }
}

using InferencePipeline.Artifacts;
using InferencePipeline.Stages;
using MassTransit;

namespace InferencePipeline.Analyzer;

public static class AnalyzerRegistration
{
    /// <summary>Adds the analyzer's consumer (queue <c>analyze-results</c>) and the artifact store it writes to.</summary>
    public static IBusRegistrationConfigurator AddAnalyzer(this IBusRegistrationConfigurator x)
    {
        x.AddArtifactStore();
        x.AddConsumer<AnalyzeResultsConsumer, AnalyzeResultsConsumerDefinition>();
        x.AddPipelineCancellations();
        return x;
    }
}

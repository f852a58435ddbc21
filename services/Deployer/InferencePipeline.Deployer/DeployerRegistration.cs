using InferencePipeline.Artifacts;
using InferencePipeline.LoadGen;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Deployer;

public static class DeployerRegistration
{
    /// <summary>
    /// The deployer stage: <see cref="DeployModelConsumer"/> on <c>deploy-model</c>, the artifact store and its
    /// options (<c>Pipeline:InferenceServer</c>, <c>Pipeline:Deployer</c>).
    /// </summary>
    public static IBusRegistrationConfigurator AddDeployer(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<DeployModelConsumer, DeployModelConsumerDefinition>();
        x.AddArtifactStore();
        x.AddOptions<InferenceServerEndpointOptions>().BindConfiguration(InferenceServerEndpointOptions.Section);
        x.AddOptions<DeployerOptions>().BindConfiguration(DeployerOptions.Section);
        return x;
    }
}

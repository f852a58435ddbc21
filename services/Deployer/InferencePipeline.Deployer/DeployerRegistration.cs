using InferencePipeline.Artifacts;
using InferencePipeline.KServe.Client;
using InferencePipeline.Stages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace InferencePipeline.Deployer;

public static class DeployerRegistration
{
    /// <summary>
    /// The deployer stage: <see cref="DeployModelConsumer"/> on <c>deploy-model</c>, the artifact store, the rule on where
    /// input data may be read from (<c>Pipeline:Models:AllowedRoots</c>), its
    /// options (<c>Pipeline:InferenceServer</c>, <c>Pipeline:Deployer</c>), and the connection to Azure for Azure ML targets.
    /// </summary>
    public static IBusRegistrationConfigurator AddDeployer(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<DeployModelConsumer, DeployModelConsumerDefinition>();
        x.AddPipelineCancellations();
        x.AddModelSources();
        x.AddKServeClient();
        x.AddOptions<DeployerOptions>().BindConfiguration(DeployerOptions.Section);
        // Made on first use: a pipeline that never targets Azure ML never builds a credential.
        x.TryAddSingleton(_ => AzureMlConnection.Default());
        return x;
    }
}

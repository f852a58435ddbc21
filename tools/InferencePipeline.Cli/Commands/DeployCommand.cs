using System.ComponentModel;
using Azure.Identity;
using InferencePipeline.Cloud.Arm;
using InferencePipeline.Cloud.AzureMl;
using Spectre.Console;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>
/// <c>inferpipe deploy --target azureml</c>: one model of a Triton repository to an Azure ML managed online endpoint,
/// as the seed's last step. Always writes and checks the bundle (endpoint.yml, deployment.yml, model_repository/);
/// without a workspace it stops there and prints the az ml commands (exit 0); with one it deploys through Azure
/// Resource Manager, blue/green with a smoke test and rollback.
/// </summary>
public sealed class DeployCommand : AsyncCommand<DeployCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--target <TARGET>")]
        [Description("Where to deploy: azureml (an Azure ML managed online endpoint).")]
        public string? Target { get; init; }

        [CommandOption("--model-repository <DIR>")]
        [Description("The Triton model repository holding the model (e.g. the analyzer's choice: the folder Optimal_ConfigFile_Location.txt names, one level up).")]
        public string? ModelRepository { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("The model's directory in the repository; also its served name.")]
        public string? Model { get; init; }

        [CommandOption("--endpoint <NAME>")]
        [Description("The online endpoint: 3-32 letters, digits or '-', starting with a letter.")]
        public string? Endpoint { get; init; }

        [CommandOption("--deployment <NAME>")]
        [Description("The deployment under the endpoint (default blue; with a workspace, blue and green alternate).")]
        [DefaultValue(AzureMlDeploymentSpec.Blue)]
        public string Deployment { get; init; } = AzureMlDeploymentSpec.Blue;

        [CommandOption("--instance-type <SIZE>")]
        [Description("Azure VM size, e.g. Standard_NC6s_v3 (V100) or Standard_NC4as_T4_v3 (T4).")]
        public string? InstanceType { get; init; }

        [CommandOption("--instance-count <N>")]
        [DefaultValue(1)]
        public int InstanceCount { get; init; } = 1;

        [CommandOption("--auth-mode <MODE>")]
        [Description("key or aml_token.")]
        [DefaultValue("key")]
        public string AuthMode { get; init; } = "key";

        [CommandOption("-o|--output <DIR>")]
        [Description("Where the bundle is written.")]
        public string? Output { get; init; }

        [CommandOption("--subscription <ID>")]
        [Description("With --resource-group and --workspace: deploy through Azure Resource Manager (DefaultAzureCredential: az login, environment, managed identity).")]
        public string? Subscription { get; init; }

        [CommandOption("--resource-group <NAME>")]
        public string? ResourceGroup { get; init; }

        [CommandOption("--workspace <NAME>")]
        public string? Workspace { get; init; }

        public bool HasWorkspace => Subscription is not null || ResourceGroup is not null || Workspace is not null;

        public override ValidationResult Validate()
        {
            if (!string.Equals(Target, "azureml", StringComparison.OrdinalIgnoreCase))
            {
                return ValidationResult.Error($"--target {Target ?? "(missing)"} is not a deploy target: use --target azureml. " +
                                              "Local servers and Triton are served by the pipeline's deployer (inferpipe run/demo).");
            }

            foreach (var (option, value) in new[] { ("--model-repository", ModelRepository), ("--model", Model), ("--endpoint", Endpoint), ("--instance-type", InstanceType), ("--output", Output) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    return ValidationResult.Error($"deploy --target azureml needs {option}.");
                }
            }

            try
            {
                AzureMlAuthModes.Parse(AuthMode);
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }

            var problems = Spec().Problems().ToList();
            if (HasWorkspace)
            {
                problems.AddRange(AzureMlWorkspace.Problems(Subscription, ResourceGroup, Workspace)
                    .Select(p => p + " (--subscription, --resource-group and --workspace go together)"));
            }

            return problems.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join("\n", problems));
        }

        public AzureMlDeploymentSpec Spec() =>
            new(Endpoint!, Model!, InstanceType!, InstanceCount, AzureMlAuthModes.Parse(AuthMode), Deployment);

        public AzureMlWorkspace? WorkspaceOrNull() => HasWorkspace ? new AzureMlWorkspace(Subscription!, ResourceGroup!, Workspace!) : null;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        var spec = settings.Spec();
        var workspace = settings.WorkspaceOrNull();
        AzureMlBundleResult bundle;
        try
        {
            bundle = await AzureMlBundle.WriteAsync(spec, settings.ModelRepository!, settings.Output!, workspace, cancellationToken);
        }
        catch (InvalidDeploymentException e)
        {
            console.MarkupLine($"[red]Nothing was written:[/] {Markup.Escape(e.Message)}");
            return 2;
        }

        console.MarkupLine($"Wrote the Azure ML bundle for [bold]{Markup.Escape(spec.ModelName)}[/] (version {bundle.Entry.Version}) to {Markup.Escape(bundle.Directory)}");
        if (workspace is null)
        {
            console.MarkupLine("No workspace given (--subscription, --resource-group, --workspace), so nothing was sent to Azure. Deploy the bundle with:");
            foreach (var command in bundle.Commands)
            {
                // Plain output: the console would wrap a long command at its width and break copy and paste.
                System.Console.Out.WriteLine(command);
            }

            return 0;
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var arm = new ArmRestClient(http, new DefaultAzureCredential(), new ArmOptions(), TimeProvider.System);
        try
        {
            var result = await new AzureMlOnlineDeployment(arm, workspace, smokeTolerance: 1e-3).DeployAsync(spec, bundle, (fraction, message) =>
            {
                console.MarkupLine($"[grey]{fraction,4:P0}[/] {Markup.Escape(message)}");
                return Task.CompletedTask;
            }, cancellationToken);
            console.MarkupLine($"[green]Deployed[/] {Markup.Escape(spec.ModelName)} to {Markup.Escape(result.ScoringUri.ToString())} ({Markup.Escape(result.Deployment)}, all traffic; smoke {Markup.Escape(result.Smoke.ToString())})");
            if (result.Previous is { } previous)
            {
                console.MarkupLine($"The previous deployment {Markup.Escape(previous)} is kept at 0% for a rollback; remove it with az ml online-deployment delete --name {Markup.Escape(previous)} --endpoint-name {Markup.Escape(spec.EndpointName)} --yes");
            }

            return 0;
        }
        catch (Exception e) when (e is ArmRequestException or SmokeTestFailedException or InvalidDeploymentException or HttpRequestException)
        {
            console.MarkupLine($"[red]Deployment failed:[/] {Markup.Escape(e.Message)}");
            console.MarkupLine("The bundle is written; it can also be deployed with:");
            foreach (var command in bundle.Commands)
            {
                // Plain output: the console would wrap a long command at its width and break copy and paste.
                System.Console.Out.WriteLine(command);
            }

            return 1;
        }
    }
}

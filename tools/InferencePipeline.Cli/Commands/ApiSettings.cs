using System.ComponentModel;
using InferencePipeline.Cli.Remote;
using Spectre.Console.Cli;

namespace InferencePipeline.Cli.Commands;

/// <summary>Where the orchestrator's HTTP API is and the key it wants: shared by run, status, cancel and watch.</summary>
public class ApiSettings : CommandSettings
{
    /// <summary>The options' help, also for <c>run</c>, whose settings derive from the pipeline request's instead.</summary>
    public const string ApiHelp = "The orchestrator's base URL (default: $" + OrchestratorClient.ApiVariable + ", else " + OrchestratorClient.DefaultApi + ").";

    public const string ApiKeyHelp =
        "The orchestrator's API key, the AppHost's 'api-key' parameter (a secret on the dashboard) (default: $" + OrchestratorClient.ApiKeyVariable + ").";

    [CommandOption("--api <URL>")]
    [Description(ApiHelp)]
    public string? Api { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description(ApiKeyHelp)]
    public string? ApiKey { get; init; }

    public OrchestratorClient CreateClient() => OrchestratorClient.Create(Api, ApiKey);
}

namespace InferencePipeline.Orchestrator.Api;

/// <summary>
/// Configuration section <c>Pipeline:Api</c>. <see cref="Key"/> is what every client of the HTTP API sends as
/// <c>Authorization: Bearer &lt;key&gt;</c>; the AppHost passes its secret <c>api-key</c> parameter here.
/// </summary>
public sealed class PipelineApiOptions
{
    public const string Section = "Pipeline:Api";

    /// <summary>Shorter keys can be guessed; the AppHost generates 32 characters.</summary>
    public const int MinimumKeyLength = 16;

    public string? Key { get; set; }

    /// <summary>
    /// How long a request waits for RabbitMQ to take a message before it answers 503. MassTransit keeps
    /// reconnecting to a broker that is down, so without a limit the request would hang until the client gives up.
    /// </summary>
    public TimeSpan BrokerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with the settings, in words that name the setting; null when they can be used.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            return $"The orchestrator's HTTP API has no API key: set {Section}:Key (environment Pipeline__Api__Key). The AppHost passes " +
                   "its 'api-key' parameter, generated when not given and set with Parameters__api-key.";
        }

        if (Key.Trim().Length < MinimumKeyLength)
        {
            return $"{Section}:Key is {Key.Trim().Length} characters long; use at least {MinimumKeyLength} random characters.";
        }

        return BrokerTimeout <= TimeSpan.Zero ? $"{Section}:BrokerTimeout must be positive (e.g. 00:00:05)." : null;
    }
}

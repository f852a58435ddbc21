using Azure.Core;
using Azure.Identity;
using InferencePipeline.Cloud.Arm;

namespace InferencePipeline.Deployer;

/// <summary>
/// How the deployer reaches Azure: its own HttpClient (not the host's resilient default, whose retries and
/// 30-second budget would fight ARM's Retry-After and a long model upload), the credential
/// (DefaultAzureCredential: az login, environment, managed identity), the ARM options and the clock.
/// Registered once; tests give their own.
/// </summary>
public sealed class AzureMlConnection(HttpClient http, TokenCredential credential, ArmOptions options, TimeProvider time)
{
    public static AzureMlConnection Default() =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new DefaultAzureCredential(), new ArmOptions(), TimeProvider.System);

    public ArmRestClient CreateClient() => new(http, credential, options, time);
}

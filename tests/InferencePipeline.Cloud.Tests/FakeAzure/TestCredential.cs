using Azure.Core;
using Azure.Identity;

namespace InferencePipeline.Cloud.Tests.FakeAzure;

/// <summary>
/// A credential as Azure.Identity's are used: a token per scope. The token names its scope, so the fake ARM can
/// refuse a storage token on ARM and the reverse, and says whether the sign-in behind it has expired.
/// </summary>
public sealed class TestCredential : TokenCredential
{
    /// <summary>Tokens Azure will refuse as expired (the sign-in was revoked or lapsed since the token was cached).</summary>
    public bool Expired { get; init; }

    /// <summary>No sign-in at all: the credential throws as DefaultAzureCredential does with nothing to use.</summary>
    public bool Unavailable { get; init; }

    public List<string> Scopes { get; } = [];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (Unavailable)
        {
            throw new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials.");
        }

        var scope = string.Join(" ", requestContext.Scopes);
        lock (Scopes)
        {
            Scopes.Add(scope);
        }

        return new AccessToken($"{(Expired ? "expired" : "valid")}|{scope}", DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}

using System.Text.Json.Nodes;

namespace InferencePipeline.Cloud.Tests.FakeAzure;

/// <summary>One request the fake answered: which host and path, and the JSON body when it had one.</summary>
public sealed record RecordedRequest(string Method, string Host, string Path, string Query, JsonNode? Body, int Status)
{
    public override string ToString() => $"{Method} {Host}{Path} -> {Status}";
}

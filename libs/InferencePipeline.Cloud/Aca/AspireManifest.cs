using System.Text.Json.Nodes;

namespace InferencePipeline.Cloud.Aca;

/// <summary>
/// The Aspire publish manifest (<c>--publisher manifest</c>): resources by name, each a JSON object with its type
/// (project.v0, container.v0, parameter.v0, value.v0, annotated.string), env, args, bindings and volumes.
/// </summary>
public sealed class AspireManifest(IReadOnlyDictionary<string, JsonObject> resources)
{
    public IReadOnlyDictionary<string, JsonObject> Resources { get; } = resources;

    public static AspireManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new AcaPublishException($"Manifest '{path}' does not exist; write it with: dotnet run --project AppHost/InferencePipeline.AppHost -- --publisher manifest --output-path {path}");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static AspireManifest Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new AcaPublishException($"{source} is not JSON: {e.Message}");
        }

        if (root?["resources"] is not JsonObject resources)
        {
            throw new AcaPublishException($"{source} has no \"resources\" object; is it an Aspire manifest?");
        }

        return new AspireManifest(resources.ToDictionary(r => r.Key, r => r.Value as JsonObject
            ?? throw new AcaPublishException($"Resource '{r.Key}' of {source} is not an object.")));
    }

    public static string TypeOf(JsonObject resource) => resource["type"]?.GetValue<string>() ?? "";
}

/// <summary>The manifest cannot be turned into Container Apps; the message says which resource and why.</summary>
public sealed class AcaPublishException(string message) : Exception(message);

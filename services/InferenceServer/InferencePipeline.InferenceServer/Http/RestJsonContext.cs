using System.Text.Json.Serialization;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>Source-generated JSON for the REST bodies that are plain records (no reflection on the request path).</summary>
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class RestJsonContext : JsonSerializerContext;

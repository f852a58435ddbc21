using System.Text.Json.Serialization;

namespace InferencePipeline.InferenceServer.Http;

/// <summary>The error body of every REST refusal.</summary>
internal sealed record ErrorBody([property: JsonPropertyName("error")] string Error);

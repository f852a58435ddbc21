namespace InferencePipeline.Artifacts;

/// <summary>
/// A file a pipeline reads from outside its own work, which <see cref="ModelSourcePolicy"/> holds to one rule: the model,
/// or its real input data. Each has its own upload route and answer field, which a refusal names as the way in.
/// </summary>
/// <param name="Noun">What the file is, in a sentence: "model", "input data".</param>
/// <param name="Route">The HTTP path that stores such a file in the artifact store (by POST).</param>
/// <param name="UriField">The field of that route's answer (and of a pipeline request) that holds its artifact URI.</param>
public sealed record PipelineFileKind(string Noun, string Route, string UriField)
{
    public static readonly PipelineFileKind Model = new("model", "/models", "modelUri");

    public static readonly PipelineFileKind InputData = new("input data", "/input-data", "inputDataUri");

    /// <summary>The noun at the start of a sentence.</summary>
    public string Title => char.ToUpperInvariant(Noun[0]) + Noun[1..];

    /// <summary>The upload as a message names it: "POST /models".</summary>
    public string UploadRoute => $"POST {Route}";
}

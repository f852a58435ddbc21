namespace InferencePipeline.Artifacts;

/// <summary>A model or input-data URI a service must not read (outside the store and every allowed root), with the reason and the fix.</summary>
public sealed class ModelSourceException(string message) : Exception(message);

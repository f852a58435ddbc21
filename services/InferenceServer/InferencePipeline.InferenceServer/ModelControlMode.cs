namespace InferencePipeline.InferenceServer;

/// <summary>Triton's <c>--model-control-mode</c>: who decides which models are loaded.</summary>
public enum ModelControlMode
{
    /// <summary>Every model in the repository is loaded at start; load/unload requests are refused.</summary>
    None,

    /// <summary>Nothing is loaded at start except <see cref="InferenceServerOptions.LoadModels"/>; clients load and unload.</summary>
    Explicit,
}

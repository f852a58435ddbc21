namespace InferencePipeline.InferenceServer;

/// <summary>Triton's <c>--model-control-mode</c>: who decides which models are loaded.</summary>
public enum ModelControlMode
{
    /// <summary>Every model in the repository is loaded at start; load/unload requests are refused.</summary>
    None,

    /// <summary>Nothing is loaded at start except <see cref="InferenceServerOptions.LoadModels"/>; clients load and unload.</summary>
    Explicit,

    /// <summary>
    /// Every model is loaded at start, then the repository is rescanned every
    /// <see cref="InferenceServerOptions.RepositoryPollInterval"/>: new models load, removed ones unload, changed
    /// ones reload. Load/unload requests are refused: the repository's contents decide.
    /// </summary>
    Poll,
}

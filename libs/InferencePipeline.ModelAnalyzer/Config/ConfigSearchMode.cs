namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>Model Analyzer's <c>run_config_search_mode</c>.</summary>
public enum ConfigSearchMode
{
    /// <summary>Every config of the space, each swept over the load values.</summary>
    Brute,

    /// <summary>Hill climbing to a local optimum, then the best <c>num_configs_per_model</c> swept.</summary>
    Quick,
}

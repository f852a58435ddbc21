namespace InferencePipeline.ModelAnalyzer.Config;

/// <summary>Model Analyzer's <c>triton_launch_mode</c>: which server the configs are measured on.</summary>
public enum TritonLaunchMode
{
    /// <summary>Our embedded KServe v2 server in this process, serving the output model repository.</summary>
    Local,

    /// <summary>A running KServe v2 server (<c>triton_grpc_endpoint</c>) in explicit model control mode; configs are loaded as overrides.</summary>
    Remote,

    /// <summary>The Triton container (<c>triton_docker_image</c>) over the output model repository, when a Docker daemon runs.</summary>
    Docker,
}

namespace InferencePipeline.TritonProfiler;

/// <summary>Configuration section <c>Pipeline:Profiler</c>: how the profiler waits, warms up and searches.</summary>
public sealed class TritonProfilerOptions
{
    public const string Section = "Pipeline:Profiler";

    /// <summary>
    /// How long a profile waits for another profile to release the server. The wait counts against
    /// RabbitMQ's 30-minute consumer timeout, so it stays well below it; when it expires the message is
    /// retried (the other profile may be done by then).
    /// </summary>
    public TimeSpan LockWaitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the server lock lives without renewal; renewed every third of it while measuring.</summary>
    public TimeSpan LockLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a loaded config may take to report ModelReady.</summary>
    public TimeSpan ModelReadyTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Quick search: how many of the best candidates get the full concurrency sweep after the climb
    /// (Model Analyzer's num_configs_per_model).
    /// </summary>
    public int NumConfigsPerModel { get; set; } = 3;

    /// <summary>
    /// The longest warm-up before the first config of a profile is measured: load runs until the JIT has settled
    /// (see <see cref="LoadGen.JitWarmup"/>) or this has passed. Zero, the default, skips it: a served model's
    /// server has usually run long enough to settle. The CLI's in-process pipeline, whose server starts with it,
    /// sets 20 s.
    /// </summary>
    public TimeSpan WarmupLimit { get; set; } = TimeSpan.Zero;
}

namespace InferencePipeline.Converter.PyTorch;

/// <summary>Configuration section <c>Pipeline:Converter:PyTorch</c>: how the PyTorch → ONNX export runs and what it accepts.</summary>
public sealed class PyTorchExportOptions
{
    public const string Section = "Pipeline:Converter:PyTorch";

    /// <summary>
    /// The interpreter that has torch. Debian's python3-torch is seen only by <c>/usr/bin/python3</c>; the
    /// <c>python3</c> on PATH may be another interpreter without it, so the default is the absolute path.
    /// </summary>
    public string PythonPath { get; set; } = "/usr/bin/python3";

    /// <summary>Wall-clock limit for the whole export process (load, reference runs, export); the process tree is killed after it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Address-space limit of the export process in MiB (RLIMIT_AS, set before torch is imported); 0 for none.
    /// Importing torch alone maps about 640 MiB and fails below ~768 MiB; a model needs several times its
    /// weights on top (the loaded model, the reference runs and the export's copy of the graph).
    /// </summary>
    public int MemoryLimitMb { get; set; } = 8192;

    /// <summary>Largest accepted max |ONNX Runtime − PyTorch| over every output element, fp32.</summary>
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>
    /// Integer example inputs are ids in [0, min(this, smallest embedding table of the model)): small enough
    /// to be a valid index wherever an integer input is used as one.
    /// </summary>
    public int ExampleIdLimit { get; set; } = 100;

    /// <summary>
    /// Size of every open (-1) non-batch dimension in the examples: the export traces at batch 2 with this
    /// size, and the second check runs batch 3 with twice this size, so that a size the trace fixed by
    /// mistake shows up. Models that need multiples of some stride (CNN detectors) want a multiple of it.
    /// </summary>
    public int ExampleOpenDimSize { get; set; } = 16;

    /// <summary>How many of python's last stderr lines a failure message carries.</summary>
    public int StderrTailLines { get; set; } = 20;

    /// <summary>Seed of the example inputs, so that an export and its check are reproducible.</summary>
    public int Seed { get; set; } = 1234;
}

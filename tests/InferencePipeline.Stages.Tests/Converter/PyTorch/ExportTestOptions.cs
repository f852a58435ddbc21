using InferencePipeline.Converter.PyTorch;
using InferencePipeline.Testing.Models;

namespace InferencePipeline.Stages.Tests.Converter.PyTorch;

/// <summary>The exporter's options as the tests run it: Debian's python3 with torch, changed where a test needs to.</summary>
public static class ExportTestOptions
{
    public static PyTorchExportOptions Create(Action<PyTorchExportOptions>? change = null)
    {
        var options = new PyTorchExportOptions { PythonPath = PyTorchTestModels.Python };
        change?.Invoke(options);
        return options;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InferencePipeline.Converter.PyTorch;

public static class PyTorchExporterRegistration
{
    /// <summary>Adds <see cref="PyTorchExporter"/> with its options bound to <c>Pipeline:Converter:PyTorch</c>.</summary>
    public static IServiceCollection AddPyTorchExporter(this IServiceCollection services)
    {
        services.AddOptions<PyTorchExportOptions>().BindConfiguration(PyTorchExportOptions.Section);
        services.TryAddSingleton<PyTorchExporter>();
        return services;
    }
}

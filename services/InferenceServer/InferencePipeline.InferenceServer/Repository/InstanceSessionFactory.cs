using InferencePipeline.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.InferenceServer.Repository;

/// <summary>
/// Creates the ORT session of one model instance from the settings config.pbtxt carries
/// (<see cref="InferencePipeline.ModelRepository.OrtConfigParameters.Read"/>).
/// </summary>
internal static class InstanceSessionFactory
{
    public static InferenceSession Create(string modelPath, OrtSettings settings)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.GraphOptimizationLevel switch
            {
                0 => GraphOptimizationLevel.ORT_DISABLE_ALL,
                1 => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                2 => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
        };
        if (settings.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = settings.IntraOpThreads;
        }
        if (settings.InterOpThreads > 0)
        {
            options.InterOpNumThreads = settings.InterOpThreads;
            options.ExecutionMode = settings.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL;
        }
        switch (settings.ExecutionProvider.ToUpperInvariant())
        {
            case "CUDA":
                options.AppendExecutionProvider_CUDA(0);
                break;
            case "TENSORRT":
                options.AppendExecutionProvider_Tensorrt(0);
                options.AppendExecutionProvider_CUDA(0);
                break;
        }
        return new InferenceSession(modelPath, options);
    }
}

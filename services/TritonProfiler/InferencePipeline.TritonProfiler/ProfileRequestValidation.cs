using InferencePipeline.Contracts;
using InferencePipeline.TritonProfiler.Configs;

namespace InferencePipeline.TritonProfiler;

/// <summary>What is wrong with a ProfileModel command, in words the user can act on; null when nothing is.</summary>
public static class ProfileRequestValidation
{
    public static string? Problem(ProfileModel request)
    {
        if (request.PipelineId == Guid.Empty)
        {
            return "The ProfileModel command has no pipeline id.";
        }

        if (ModelNames.Problem(request.ModelName) is { } nameProblem)
        {
            return nameProblem;
        }

        // The configs are named after the model and obey the same rule; the ORT-tuned one has the longest suffix.
        if (!ModelNames.IsValid(ServingConfigGenerator.TunedName(request.ModelName)))
        {
            return $"Model name '{request.ModelName}' is too long to profile: its configs are named after it " +
                   $"('{ServingConfigGenerator.TunedName(request.ModelName)}') and names have at most {ModelNames.MaxLength} characters. Use a shorter model name.";
        }

        if (string.IsNullOrWhiteSpace(request.DefaultConfigUri) || string.IsNullOrWhiteSpace(request.TunedConfigUri))
        {
            return "The ProfileModel command needs both the default and the ORT-tuned config URI (from ModelConverted and OrtTuned).";
        }

        var space = request.SearchSpace;
        if (space is null)
        {
            return "The ProfileModel command has no search space.";
        }

        if (space.Concurrency is not { Count: > 0 } || space.Concurrency.Any(c => c < 1))
        {
            return $"The search space needs at least one concurrency, each >= 1 (got [{Join(space.Concurrency)}]).";
        }

        if (space.PreferredBatchSizes is null || space.PreferredBatchSizes.Any(b => b < 1))
        {
            return $"Preferred batch sizes must be >= 1 (got [{Join(space.PreferredBatchSizes)}]); leave the list empty to profile without dynamic batching.";
        }

        if (space.InstanceCounts is null || space.InstanceCounts.Any(i => i < 1))
        {
            return $"Instance counts must be >= 1 (got [{Join(space.InstanceCounts)}]).";
        }

        if (space.BackendParameters?.FirstOrDefault(p => string.IsNullOrWhiteSpace(p.Key) || p.Value is null || p.Value.Count == 0
                || p.Value.Any(string.IsNullOrWhiteSpace)) is { Key: not null } bad)
        {
            return $"Backend parameter '{bad.Key}' needs a name and at least one non-empty value to search (got [{string.Join(", ", bad.Value ?? [])}]).";
        }

        if (space.MeasurementWindowMs < 1)
        {
            return $"The measurement window must be at least 1 ms (got {space.MeasurementWindowMs}).";
        }

        if (space.StabilityPercentage is <= 0 or >= 100)
        {
            return $"The stability percentage must lie in (0, 100) (got {space.StabilityPercentage}).";
        }

        if (space.MaxTrials < 3)
        {
            return $"MaxTrials must be at least 3, the windows the stability rule compares (got {space.MaxTrials}).";
        }

        if (request.Constraints?.MaxLatencyP99Ms is <= 0)
        {
            return $"The latency budget must be positive (got {request.Constraints.MaxLatencyP99Ms} ms).";
        }

        return null;
    }

    private static string Join(IReadOnlyList<int>? values) => values is null ? "" : string.Join(", ", values);
}

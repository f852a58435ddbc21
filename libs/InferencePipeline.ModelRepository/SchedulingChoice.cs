using Inference;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// Triton's ModelConfig holds one scheduling choice, a oneof of dynamic_batching, sequence_batching and
/// ensemble_scheduling. Only dynamic_batching is in our proto, so the other two arrive as unknown fields and the
/// parser's oneof check cannot see them; this does, so a file Triton would refuse is neither read nor written.
/// </summary>
public static class SchedulingChoice
{
    private static readonly string[] UnknownMembers = ["sequence_batching", "ensemble_scheduling"];

    /// <summary>The unknown top-level field that clashes with another scheduling choice, or null when there is none.</summary>
    public static UnknownConfigField? FindConflict(ModelConfig config, IReadOnlyList<UnknownConfigField> unknownFields)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(unknownFields);
        var members = unknownFields.Where(f => f.Path.Length == 0 && UnknownMembers.Contains(f.Name)).ToList();
        if (members.Count > 1)
        {
            return members[1];
        }

        return config.DynamicBatching is not null && members.Count == 1 ? members[0] : null;
    }

    public static string Describe(UnknownConfigField conflict) =>
        $"'{conflict.Name}' cannot be combined with another scheduling choice: Triton's config takes one of " +
        "dynamic_batching, sequence_batching and ensemble_scheduling";
}

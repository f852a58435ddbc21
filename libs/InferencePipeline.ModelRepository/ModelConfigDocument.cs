using Inference;
using InferencePipeline.ModelRepository.TextFormat;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// A config.pbtxt as read: the <see cref="ModelConfig"/> of the fields we know, plus the fields we do not
/// (<see cref="UnknownFields"/>), which <see cref="ModelConfigText.Format(ModelConfigDocument)"/> writes back
/// into the block that held them. Stages that read a config and write a changed one use this type so a
/// user's Triton-only settings survive the pipeline.
/// </summary>
public sealed class ModelConfigDocument
{
    public ModelConfigDocument(ModelConfig config, IEnumerable<UnknownConfigField>? unknownFields = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        UnknownFields = unknownFields?.ToArray() ?? [];
    }

    /// <summary>The known fields. Changing it in place is fine as long as the blocks holding unknown fields stay.</summary>
    public ModelConfig Config { get; }

    /// <summary>Unknown fields in the order they were written.</summary>
    public IReadOnlyList<UnknownConfigField> UnknownFields { get; }

    /// <summary>
    /// The same unknown fields over another config (typically a changed clone of <see cref="Config"/>). An
    /// unknown field lives inside its block: where <paramref name="config"/> no longer has that block (an
    /// instance group the caller replaced, a dynamic_batching it cleared) the field goes with it, as the
    /// known fields of that block did.
    /// </summary>
    public ModelConfigDocument WithConfig(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (UnknownFields.Count == 0)
        {
            return new ModelConfigDocument(config);
        }

        var blocks = MessagePaths.Collect(config);
        return new ModelConfigDocument(config, UnknownFields.Where(f => blocks.Contains(f.Path)));
    }
}

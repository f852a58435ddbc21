using Inference;
using InferencePipeline.ModelRepository.TextFormat;

namespace InferencePipeline.ModelRepository;

/// <summary>
/// A config.pbtxt as read: the <see cref="ModelConfig"/> of the fields we know, plus the fields we do not
/// (<see cref="UnknownFields"/>), which <see cref="ModelConfigText.Format(ModelConfigDocument)"/> writes back
/// into the block that held them, and the comments (<see cref="Comments"/>), written back at the field they
/// explain. Stages that read a config and write a changed one use this type so a user's Triton-only settings
/// and notes survive the pipeline.
/// </summary>
public sealed class ModelConfigDocument
{
    public ModelConfigDocument(
        ModelConfig config,
        IEnumerable<UnknownConfigField>? unknownFields = null,
        IEnumerable<ConfigComment>? comments = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        UnknownFields = unknownFields?.ToArray() ?? [];
        Comments = comments?.ToArray() ?? [];
    }

    /// <summary>
    /// The known fields. Changing it in place is fine as long as the blocks holding unknown fields stay; a
    /// comment whose field is no longer written is left out of the text.
    /// </summary>
    public ModelConfig Config { get; }

    /// <summary>Unknown fields in the order they were written.</summary>
    public IReadOnlyList<UnknownConfigField> UnknownFields { get; }

    /// <summary>Comments in the order they were written, each filed under the field, element or block it belongs to.</summary>
    public IReadOnlyList<ConfigComment> Comments { get; }

    /// <summary>
    /// The same unknown fields over another config (typically a changed clone of <see cref="Config"/>). An
    /// unknown field lives inside its block: where <paramref name="config"/> no longer has that block (an
    /// instance group the caller replaced, a dynamic_batching it cleared) the field goes with it, as the
    /// known fields of that block did. Comments follow the same rule one level down: a comment stays while
    /// <paramref name="config"/> still writes its field (whatever its value now), else it goes with the field.
    /// </summary>
    public ModelConfigDocument WithConfig(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (UnknownFields.Count == 0 && Comments.Count == 0)
        {
            return new ModelConfigDocument(config);
        }

        var blocks = MessagePaths.Collect(config);
        var unknown = UnknownFields.Where(f => blocks.Contains(f.Path)).ToList();
        var written = MessagePaths.CollectWritten(config);
        written.UnionWith(MessagePaths.Unknown(unknown));
        return new ModelConfigDocument(config, unknown, Comments.Where(c => written.Contains(c.Path)));
    }
}

namespace InferencePipeline.ModelRepository;

/// <summary>
/// A <c># ...</c> comment of a config.pbtxt, kept with what it explains so a stage that rewrites the config
/// writes it back there. It lives as long as its field: where the written config no longer has that field
/// (see <see cref="ModelConfigDocument.WithConfig"/>), the comment goes too; where only the value changed, it
/// stays. Comments inside an unknown field are part of that field's <see cref="UnknownConfigField.Text"/>.
/// </summary>
/// <param name="Path">
/// What the comment belongs to, named as <see cref="UnknownConfigField.Path"/> names blocks: a field is its
/// block's path and its name (<c>max_batch_size</c>, <c>dynamic_batching.max_queue_delay_microseconds</c>), an
/// element of a repeated message has <c>[index]</c> (<c>instance_group[1]</c>), a map entry <c>[key]</c>
/// (<c>parameters["intra_op_thread_count"]</c>). An unknown field is its <see cref="UnknownConfigField.FullName"/>,
/// with <c>[k]</c> after it for the k-th (from 1) field of that name in the same block. For
/// <see cref="ConfigCommentPlacement.End"/> the path is the block's; <c>""</c> is the file.
/// </param>
/// <param name="Placement">Where it goes relative to what <paramref name="Path"/> names.</param>
/// <param name="Text">
/// One comment line as written, from its <c>#</c> to the end of the line (trailing spaces removed); empty for a
/// blank line (a run of them), kept like a comment so a rewritten config keeps its author's grouping of fields.
/// </param>
public sealed record ConfigComment(string Path, ConfigCommentPlacement Placement, string Text);

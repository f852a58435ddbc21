namespace InferencePipeline.ModelRepository;

/// <summary>Where a <see cref="ConfigComment"/> sits relative to the field, element or block its path names.</summary>
public enum ConfigCommentPlacement
{
    /// <summary>A full line before it (a field, a repeated element's <c>{</c>, a map entry, an unknown field).</summary>
    Leading,

    /// <summary>
    /// On its first line, after it: after a scalar's value, after a block's <c>{</c> or a list's <c>[</c>, after
    /// an unknown field.
    /// </summary>
    Trailing,

    /// <summary>A full line at the end of the block, before its <c>}</c> or <c>]</c>; with path <c>""</c>, the end of the file.</summary>
    End,

    /// <summary>On the line of the block's closing <c>}</c> or <c>]</c>, after it.</summary>
    Closing,
}

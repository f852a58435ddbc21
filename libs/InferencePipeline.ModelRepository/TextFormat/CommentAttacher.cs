namespace InferencePipeline.ModelRepository.TextFormat;

/// <summary>
/// Files the tokenizer's comments under what they explain while the parser walks the fields. At each boundary
/// (a field name, a block's brace, the end of the input) the parser calls <see cref="Take"/> with the offset of
/// the token there: a comment on the line where the last field, brace or element ended trails that (the parser
/// names it with <see cref="TrailWith"/>), full-line comments lead the field that follows or end the block.
/// In a gap between two tokens only the first comment can share a line with a token, so the order is always
/// "trailing, then full lines". Comments in odd places (inside a list of numbers, between a name and its value)
/// go to the next boundary, so none is lost.
/// </summary>
internal sealed class CommentAttacher(IReadOnlyList<TextComment> comments)
{
    private int _next;
    private (string Path, ConfigCommentPlacement Placement)? _trailing;

    /// <summary>The comments filed so far (relative to a map entry between <see cref="BeginEntry"/> and <see cref="EndEntry"/>).</summary>
    public List<ConfigComment> Filed { get; private set; } = [];

    /// <summary>
    /// Files the comments before <paramref name="before"/>: one that follows a token on its line trails what
    /// <see cref="TrailWith"/> named; full-line ones go to <paramref name="path"/> at <paramref name="placement"/>,
    /// or, with no path, wait for the next boundary.
    /// </summary>
    public void Take(int before, string? path, ConfigCommentPlacement placement)
    {
        while (_next < comments.Count && comments[_next].Start < before)
        {
            var comment = comments[_next];
            if (!comment.OwnLine && _trailing is { } trailing)
            {
                Filed.Add(new ConfigComment(trailing.Path, trailing.Placement, comment.Text));
            }
            else if (path is not null)
            {
                Filed.Add(new ConfigComment(path, placement, comment.Text));
            }
            else
            {
                return;
            }

            _next++;
        }
    }

    /// <summary>What a comment on the line of the token just read belongs to.</summary>
    public void TrailWith(string path, ConfigCommentPlacement placement) => _trailing = (path, placement);

    /// <summary>Passes over the comments before <paramref name="before"/> unfiled: those inside an unknown field are part of its text.</summary>
    public void Skip(int before)
    {
        while (_next < comments.Count && comments[_next].Start < before)
        {
            _next++;
        }
    }

    /// <summary>
    /// Starts a map entry at <paramref name="open"/>, its opening brace: its path needs its key, which may come
    /// after its value, so its comments are filed apart with paths relative to the entry (<c>""</c> is the entry).
    /// A comment trailing what came before the entry stays with that. Returns what <see cref="EndEntry"/> needs.
    /// </summary>
    public List<ConfigComment> BeginEntry(int open)
    {
        Take(open, null, ConfigCommentPlacement.Leading);
        var outer = Filed;
        Filed = [];
        _trailing = null;
        return outer;
    }

    /// <summary>Ends the entry begun by <see cref="BeginEntry"/>, now that its path is known.</summary>
    public void EndEntry(List<ConfigComment> outer, string entryPath)
    {
        outer.AddRange(Filed.Select(c => c with { Path = MessagePaths.Join(entryPath, c.Path) }));
        Filed = outer;
        _trailing = (entryPath, ConfigCommentPlacement.Closing);
    }
}

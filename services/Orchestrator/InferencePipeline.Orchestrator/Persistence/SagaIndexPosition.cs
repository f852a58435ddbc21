using System.Globalization;

namespace InferencePipeline.Orchestrator.Persistence;

/// <summary>
/// A place in the recent-instances index: its score (creation time, Unix milliseconds) and id. A page that starts
/// after it stays right while new instances arrive at the top, which a page number would not.
/// Written as <c>&lt;score&gt;.&lt;id without dashes&gt;</c> for a URL's query string.
/// </summary>
public sealed record SagaIndexPosition(long Score, Guid Id)
{
    public override string ToString() => $"{Score.ToString(CultureInfo.InvariantCulture)}.{Id:N}";

    public static bool TryParse(string? text, out SagaIndexPosition? position)
    {
        position = null;
        var dot = text?.IndexOf('.') ?? -1;
        if (dot <= 0 ||
            !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var score) ||
            !Guid.TryParseExact(text.AsSpan(dot + 1), "N", out var id))
        {
            return false;
        }

        position = new SagaIndexPosition(score, id);
        return true;
    }

    /// <summary>Whether an index entry comes after this place in the index's order (score, then id, both descending).</summary>
    public bool Precedes(long score, string member) =>
        score < Score || (score == Score && string.CompareOrdinal(member, Id.ToString("D")) < 0);
}

namespace InferencePipeline.ModelAnalyzer.Search;

/// <summary>One dimension of a config space: what it sets (<c>instance_group[0].count</c>) and its values, in order.</summary>
public sealed record SearchAxis(string Name, IReadOnlyList<string> Labels)
{
    public int Count => Labels.Count;
}

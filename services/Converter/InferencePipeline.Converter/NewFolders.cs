namespace InferencePipeline.Converter;

/// <summary>
/// The folders a conversion is about to create, so that a failed one can remove those it left empty: a refused
/// model leaves nothing behind, not even the folders of its output path.
/// </summary>
public sealed class NewFolders
{
    private readonly List<string> _missing = [];

    /// <summary>Notes which of <paramref name="folder"/> and its parents do not exist yet (deepest first).</summary>
    public NewFolders(string folder)
    {
        for (string? f = Path.GetFullPath(folder); f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f))
        {
            _missing.Add(f);
        }
    }

    /// <summary>Deletes the noted folders that exist and are empty, deepest first; folders with anything in them stay.</summary>
    public void RemoveEmpty()
    {
        foreach (var folder in _missing)
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
    }
}

namespace InferencePipeline.Artifacts;

/// <summary>
/// A path with every symbolic link along it followed and every '..' applied as the operating system applies them when
/// the file is opened (a '..' after a link leaves the link's target, not the link's directory): what decides whether a
/// file is inside a directory. The part of the path that does not exist is kept as written, since nothing can redirect it.
/// </summary>
public static class RealPath
{
    /// <summary>Linux's own limit on links followed while resolving one path.</summary>
    private const int MaxLinks = 40;

    public static string Of(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(absolute)!;
        var pending = new Stack<string>();
        PushParts(pending, absolute[root.Length..]);
        // Invariant: current holds no link and no '..', so its parent is the real parent.
        var current = root;
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many symbolic links while resolving '{path}'.");
            }

            // The rest of the path continues from the link's target; a relative target starts at the link's directory.
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            PushParts(pending, target);
        }

        return current;
    }

    /// <summary>Whether the real path <paramref name="path"/> is the real directory <paramref name="directory"/> or inside it.</summary>
    public static bool IsInside(string path, string directory)
    {
        var dir = directory.TrimEnd(Path.DirectorySeparatorChar);
        return dir.Length == 0 || path == dir || path.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static void PushParts(Stack<string> pending, string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}

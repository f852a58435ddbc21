using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace InferencePipeline.PretrainedModels;

/// <summary>
/// Reads the embedded (manifest) resources of a .NET assembly file without loading it: the metadata names each
/// resource and its offset in the CLI resources directory, where the bytes follow a 4-byte little-endian length.
/// Loading the assembly instead would run nothing but still pin 90 MB of image in the process for its lifetime.
/// </summary>
public static class ManifestResourceFile
{
    /// <summary>Names and sizes of the embedded resources of <paramref name="assemblyPath"/>.</summary>
    public static IReadOnlyList<(string Name, long Length)> List(string assemblyPath)
    {
        using var stream = OpenAssembly(assemblyPath);
        using var pe = new PEReader(stream, PEStreamOptions.LeaveOpen);
        long start = ResourcesStart(pe, assemblyPath);
        var metadata = pe.GetMetadataReader();
        var result = new List<(string, long)>();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (resource.Implementation.IsNil)
            {
                result.Add((metadata.GetString(resource.Name), ReadLength(stream, start + resource.Offset, assemblyPath)));
            }
        }

        return result;
    }

    /// <summary>
    /// Copies the resource <paramref name="resourceName"/> to <paramref name="destination"/> and returns its
    /// length and SHA-256 (lower-case hex), computed while copying.
    /// </summary>
    public static (long Length, string Sha256) CopyTo(string assemblyPath, string resourceName, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var stream = OpenAssembly(assemblyPath);
        long position;
        using (var pe = new PEReader(stream, PEStreamOptions.LeaveOpen))
        {
            long start = ResourcesStart(pe, assemblyPath);
            var metadata = pe.GetMetadataReader();
            var names = new List<string>();
            long? offset = null;
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                string name = metadata.GetString(resource.Name);
                names.Add(name);
                if (name == resourceName && resource.Implementation.IsNil)
                {
                    offset = resource.Offset;
                }
            }

            if (offset is null)
            {
                throw new PretrainedModelException(
                    $"'{assemblyPath}' has no embedded resource '{resourceName}' (it has: {string.Join(", ", names)}); " +
                    "the package version may have changed: rebuild with the version this library names");
            }

            position = start + offset.Value;
        }

        long length = ReadLength(stream, position, assemblyPath);
        stream.Position = position + 4;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long left = length;
        while (left > 0)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new PretrainedModelException($"'{assemblyPath}' ends inside resource '{resourceName}': the file is truncated; restore the package again");
            }

            sha.AppendData(buffer, 0, read);
            destination.Write(buffer, 0, read);
            left -= read;
        }

        return (length, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static FileStream OpenAssembly(string assemblyPath)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new PretrainedModelException(
                $"assembly '{assemblyPath}' does not exist: build the project that references InferencePipeline.PretrainedModels so the package file is copied to its output");
        }

        return new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    /// <summary>File offset of the CLI resources directory.</summary>
    private static long ResourcesStart(PEReader pe, string assemblyPath)
    {
        try
        {
            var cor = pe.PEHeaders.CorHeader
                ?? throw new PretrainedModelException($"'{assemblyPath}' is not a .NET assembly (no CLI header)");
            if (!pe.PEHeaders.TryGetDirectoryOffset(cor.ResourcesDirectory, out int start))
            {
                throw new PretrainedModelException($"'{assemblyPath}' has no embedded resources directory");
            }

            return start;
        }
        catch (BadImageFormatException e)
        {
            throw new PretrainedModelException($"'{assemblyPath}' is not a valid .NET assembly: {e.Message}", e);
        }
    }

    private static long ReadLength(FileStream stream, long position, string assemblyPath)
    {
        Span<byte> prefix = stackalloc byte[4];
        stream.Position = position;
        stream.ReadExactly(prefix);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (position + 4 + length > stream.Length)
        {
            throw new PretrainedModelException($"'{assemblyPath}': a resource at offset {position} claims {length} bytes past the end of the file: the file is truncated or corrupt");
        }

        return length;
    }
}

using System.Text;

namespace InferencePipeline.ModelRepository.OnnxFiles;

/// <summary>
/// Walks an ONNX file's protobuf wire format without building the model: it reads the header fields and the
/// tensors' names and external-data entries, and seeks over everything else (weights, node lists). Scanning a
/// model with a gigabyte of inline weights therefore reads only a few kilobytes and allocates nothing of the size
/// of the weights. Tensors are found where ONNX puts them: graph initializers, sparse initializers and node
/// attributes, including the subgraphs of control-flow nodes.
/// </summary>
public static class OnnxFileScanner
{
    // ModelProto
    private const int ModelIrVersion = 1;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;

    // OperatorSetIdProto
    private const int OpsetDomain = 1;
    private const int OpsetVersion = 2;

    // GraphProto
    private const int GraphNode = 1;
    private const int GraphInitializer = 5;
    private const int GraphSparseInitializer = 15;

    // NodeProto / AttributeProto
    private const int NodeAttribute = 5;
    private const int AttributeTensor = 5;
    private const int AttributeGraph = 6;
    private const int AttributeTensors = 10;
    private const int AttributeGraphs = 11;
    private const int AttributeSparseTensor = 22;
    private const int AttributeSparseTensors = 23;

    // SparseTensorProto
    private const int SparseValues = 1;
    private const int SparseIndices = 2;

    // TensorProto / StringStringEntryProto
    private const int TensorName = 8;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;
    private const int EntryKey = 1;
    private const int EntryValue = 2;
    private const int DataLocationExternal = 1;

    /// <summary>Subgraphs nest (If inside Loop inside If ...); a file nesting deeper than this is not a model.</summary>
    private const int MaxDepth = 64;

    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public static OnnxFileFacts Scan(string modelPath)
    {
        using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var reader = new WireReader(stream);
        long irVersion = 0, opset = 0;
        var external = new List<ExternalTensorData>();
        while (reader.Position < reader.Length)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case ModelIrVersion when wireType == WireReader.Varint:
                    irVersion = (long)reader.ReadVarint();
                    break;
                case ModelOpsetImport when wireType == WireReader.LengthDelimited:
                    if (ReadOpset(reader, reader.ReadEnd()) is ({ } domain, var version) && domain is "" or "ai.onnx")
                    {
                        opset = version;
                    }

                    break;
                case ModelGraph when wireType == WireReader.LengthDelimited:
                    ScanGraph(reader, reader.ReadEnd(), external, 0);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new OnnxFileFacts(irVersion, opset, external);
    }

    private static (string? Domain, long Version) ReadOpset(WireReader reader, long end)
    {
        string domain = "";
        long version = 0;
        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == OpsetDomain && wireType == WireReader.LengthDelimited)
            {
                domain = reader.ReadString();
            }
            else if (field == OpsetVersion && wireType == WireReader.Varint)
            {
                version = (long)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        reader.ExpectAt(end);
        return (domain, version);
    }

    private static void ScanGraph(WireReader reader, long end, List<ExternalTensorData> external, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException($"subgraphs nest deeper than {MaxDepth} levels");
        }

        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (wireType != WireReader.LengthDelimited)
            {
                reader.Skip(wireType);
                continue;
            }

            switch (field)
            {
                case GraphNode:
                    ScanNode(reader, reader.ReadEnd(), external, depth);
                    break;
                case GraphInitializer:
                    ScanTensor(reader, reader.ReadEnd(), external);
                    break;
                case GraphSparseInitializer:
                    ScanSparseTensor(reader, reader.ReadEnd(), external);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        reader.ExpectAt(end);
    }

    private static void ScanNode(WireReader reader, long end, List<ExternalTensorData> external, int depth)
    {
        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == NodeAttribute && wireType == WireReader.LengthDelimited)
            {
                ScanAttribute(reader, reader.ReadEnd(), external, depth);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        reader.ExpectAt(end);
    }

    private static void ScanAttribute(WireReader reader, long end, List<ExternalTensorData> external, int depth)
    {
        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (wireType != WireReader.LengthDelimited)
            {
                reader.Skip(wireType);
                continue;
            }

            switch (field)
            {
                case AttributeTensor or AttributeTensors:
                    ScanTensor(reader, reader.ReadEnd(), external);
                    break;
                case AttributeSparseTensor or AttributeSparseTensors:
                    ScanSparseTensor(reader, reader.ReadEnd(), external);
                    break;
                case AttributeGraph or AttributeGraphs:
                    ScanGraph(reader, reader.ReadEnd(), external, depth + 1);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        reader.ExpectAt(end);
    }

    private static void ScanSparseTensor(WireReader reader, long end, List<ExternalTensorData> external)
    {
        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (field is SparseValues or SparseIndices && wireType == WireReader.LengthDelimited)
            {
                ScanTensor(reader, reader.ReadEnd(), external);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        reader.ExpectAt(end);
    }

    private static void ScanTensor(WireReader reader, long end, List<ExternalTensorData> external)
    {
        string name = "";
        bool isExternal = false;
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == TensorName && wireType == WireReader.LengthDelimited)
            {
                name = reader.ReadString();
            }
            else if (field == TensorDataLocation && wireType == WireReader.Varint)
            {
                isExternal = (long)reader.ReadVarint() == DataLocationExternal;
            }
            else if (field == TensorExternalData && wireType == WireReader.LengthDelimited)
            {
                var (key, value) = ReadEntry(reader, reader.ReadEnd());
                entries[key] = value;
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        reader.ExpectAt(end);
        if (isExternal)
        {
            external.Add(new ExternalTensorData(
                name,
                entries.GetValueOrDefault("location", ""),
                entries.TryGetValue("offset", out var offset) && long.TryParse(offset, out var o) ? o : 0,
                entries.TryGetValue("length", out var length) && long.TryParse(length, out var l) ? l : null));
        }
    }

    private static (string Key, string Value) ReadEntry(WireReader reader, long end)
    {
        string key = "", value = "";
        while (reader.Position < end)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == EntryKey && wireType == WireReader.LengthDelimited)
            {
                key = reader.ReadString();
            }
            else if (field == EntryValue && wireType == WireReader.LengthDelimited)
            {
                value = reader.ReadString();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        reader.ExpectAt(end);
        return (key, value);
    }

    /// <summary>The protobuf wire format over a seekable stream: tags, varints, lengths, and skips that seek.</summary>
    private sealed class WireReader(Stream stream)
    {
        public const int Varint = 0;
        public const int Fixed64 = 1;
        public const int LengthDelimited = 2;
        public const int StartGroup = 3;
        public const int EndGroup = 4;
        public const int Fixed32 = 5;

        /// <summary>Names and external-data entries are short; a longer string field is a corrupt file.</summary>
        private const int MaxStringBytes = 1 << 20;

        public long Length { get; } = stream.Length;

        public long Position => stream.Position;

        public (int Field, int WireType) ReadTag()
        {
            ulong tag = ReadVarint();
            int field = (int)(tag >> 3);
            if (field == 0)
            {
                throw new InvalidDataException($"field number 0 at byte {Position}");
            }

            return (field, (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                int b = stream.ReadByte();
                if (b < 0)
                {
                    throw new InvalidDataException($"the file ends inside a number at byte {Position}");
                }

                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InvalidDataException($"a number longer than 10 bytes ends at byte {Position}");
        }

        /// <summary>Reads a length prefix and returns where the field ends, checked against the file's end.</summary>
        public long ReadEnd()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(Length - Position))
            {
                throw new InvalidDataException($"a field of {length} bytes at byte {Position} runs past the end of the file ({Length} bytes): truncated?");
            }

            return Position + (long)length;
        }

        public string ReadString()
        {
            long end = ReadEnd();
            long count = end - Position;
            if (count > MaxStringBytes)
            {
                throw new InvalidDataException($"a name of {count} bytes at byte {Position}");
            }

            var bytes = new byte[count];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        public void Skip(int wireType)
        {
            long skip = wireType switch
            {
                Varint => SkipVarint(),
                Fixed64 => 8,
                LengthDelimited => ReadEnd() - Position,
                Fixed32 => 4,
                _ => throw new InvalidDataException($"wire type {wireType} at byte {Position} is not used by ONNX"),
            };
            if (skip > Length - Position)
            {
                throw new InvalidDataException($"the file ends inside a field at byte {Position}: truncated?");
            }

            stream.Seek(skip, SeekOrigin.Current);
        }

        public void ExpectAt(long end)
        {
            if (Position != end)
            {
                throw new InvalidDataException($"a field ends at byte {Position}, past its message's end at byte {end}");
            }
        }

        private long SkipVarint()
        {
            ReadVarint();
            return 0;
        }
    }
}

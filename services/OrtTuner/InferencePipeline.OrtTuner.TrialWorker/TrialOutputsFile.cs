namespace InferencePipeline.OrtTuner.Trials;

/// <summary>
/// A child trial's outputs for the parent's accuracy gate: per input set, each output's name and values as floats,
/// little-endian binary (a MiniLM trial's outputs are megabytes; JSON would triple them and lose no precision only with care).
/// </summary>
public static class TrialOutputsFile
{
    private const int Magic = 0x4F545049; // "IPTO"

    public static void Write(string path, IReadOnlyList<IReadOnlyDictionary<string, float[]>> outputs)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        writer.Write(outputs.Count);
        foreach (var set in outputs)
        {
            writer.Write(set.Count);
            foreach (var (name, values) in set)
            {
                writer.Write(name);
                writer.Write(values.Length);
                foreach (float value in values)
                {
                    writer.Write(value);
                }
            }
        }
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, float[]>> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException($"'{path}' is not a trial outputs file");
        }

        var outputs = new List<IReadOnlyDictionary<string, float[]>>();
        for (int sets = reader.ReadInt32(), s = 0; s < sets; s++)
        {
            var set = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int count = reader.ReadInt32(), o = 0; o < count; o++)
            {
                string name = reader.ReadString();
                var values = new float[reader.ReadInt32()];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = reader.ReadSingle();
                }

                set[name] = values;
            }

            outputs.Add(set);
        }

        return outputs;
    }
}

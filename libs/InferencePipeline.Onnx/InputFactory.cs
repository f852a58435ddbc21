using System.Buffers.Binary;
using InferencePipeline.Contracts;
using InferencePipeline.KServe;
using InferencePipeline.Onnx.Graph;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx;

/// <summary>
/// Random but valid, reproducible model inputs (the same specs, batch and seed give the same bytes), in two
/// forms: raw little-endian bytes (<see cref="CreateRaw"/>, the KServe <c>raw_input_contents</c> payload the load
/// generator and deployer send) and <see cref="NamedOnnxValue"/>s (<see cref="Create"/>) for in-process runs.
/// <para>Shapes: the leading dim, when dynamic (-1), is the batch; other dynamic dims become
/// <paramref name="dynamicDimSize"/>. Fixed dims stay as they are.</para>
/// <para>Values, by datatype and name (BERT conventions): integer inputs named like a mask are all 1; named like
/// segment/token-type ids are 0 for the first half of the last dim and 1 for the rest; other integers are token
/// ids in [0, <paramref name="vocabSize"/>). Floats are uniform in [-1, 1). BOOL is random 0/1.</para>
/// </summary>
public static class InputFactory
{
    public const int DefaultVocabSize = 1000;

    /// <summary>Managed ORT inputs (DenseTensor-backed, nothing to dispose), same data as <see cref="CreateRaw"/>.</summary>
    public static IReadOnlyList<NamedOnnxValue> Create(
        IReadOnlyList<TensorSpec> inputs, int batchSize, int seed, int vocabSize = DefaultVocabSize, long dynamicDimSize = 1) =>
        CreateRaw(inputs, batchSize, seed, vocabSize, dynamicDimSize).Select(raw => raw.ToNamedOnnxValue()).ToList();

    /// <summary>One raw tensor per input spec, in spec order.</summary>
    public static IReadOnlyList<RawInputTensor> CreateRaw(
        IReadOnlyList<TensorSpec> inputs, int batchSize, int seed, int vocabSize = DefaultVocabSize, long dynamicDimSize = 1)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dynamicDimSize, 1);
        var result = new List<RawInputTensor>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            var spec = inputs[i];
            long[] shape = ConcreteShape(spec, batchSize, dynamicDimSize);
            // Each input gets its own stream, so adding an input does not change the data of the others.
            var rng = new DeterministicRandom(((ulong)(uint)seed << 32) ^ (ulong)i * 0x9E3779B97F4A7C15UL ^ 0xD1B54A32D192ED03UL);
            result.Add(new RawInputTensor(spec.Name, spec.DataType.ToUpperInvariant(), shape, Fill(spec, shape, rng, vocabSize)));
        }

        return result;
    }

    /// <summary>The shape an input gets for <paramref name="batchSize"/>: leading -1 → batch, other -1 → dynamicDimSize.</summary>
    public static long[] ConcreteShape(TensorSpec spec, int batchSize, long dynamicDimSize = 1)
    {
        var shape = new long[spec.Shape.Count];
        for (int d = 0; d < shape.Length; d++)
        {
            long dim = spec.Shape[d];
            shape[d] = dim >= 0 ? dim : d == 0 ? batchSize : dynamicDimSize;
        }

        return shape;
    }

    private static byte[] Fill(TensorSpec spec, long[] shape, DeterministicRandom rng, int vocabSize)
    {
        string dataType = spec.DataType.ToUpperInvariant();
        int size = TensorDataType.Parse(dataType).ElementSize;
        if (size == 0)
        {
            throw new NotSupportedException($"input '{spec.Name}': random data for variable-length {dataType} is not supported");
        }

        long count = shape.Aggregate(1L, (a, d) => a * d);
        long rowLength = shape.Length == 0 ? 1 : Math.Max(1, shape[^1]);
        var bytes = new byte[checked(count * size)];
        var span = bytes.AsSpan();
        var role = RoleOf(spec.Name);
        for (long e = 0; e < count; e++)
        {
            var slot = span.Slice((int)(e * size), size);
            switch (dataType)
            {
                case "FP32":
                    BinaryPrimitives.WriteSingleLittleEndian(slot, UniformFloat(rng));
                    break;
                case "FP64":
                    BinaryPrimitives.WriteDoubleLittleEndian(slot, UniformFloat(rng));
                    break;
                case "FP16":
                    BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)UniformFloat(rng));
                    break;
                case "BF16":
                    BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)(BitConverter.SingleToInt32Bits(UniformFloat(rng)) >> 16));
                    break;
                case "BOOL":
                    slot[0] = (byte)rng.NextInt64(2);
                    break;
                default:
                    long value = IntegerValue(role, e % rowLength, rowLength, rng, vocabSize, MaxOf(dataType));
                    WriteInteger(slot, value);
                    break;
            }
        }

        return bytes;
    }

    private enum Role
    {
        Ids,
        Mask,
        Segment,
    }

    private static Role RoleOf(string name)
    {
        string n = name.ToLowerInvariant();
        if (n.Contains("mask"))
        {
            return Role.Mask;
        }

        return n.Contains("segment") || n.Contains("token_type") || n.Contains("type_id") ? Role.Segment : Role.Ids;
    }

    private static long IntegerValue(Role role, long position, long rowLength, DeterministicRandom rng, int vocabSize, long max) => role switch
    {
        Role.Mask => 1,
        Role.Segment => position < rowLength / 2 ? 0 : 1,
        _ => rng.NextInt64(Math.Min(vocabSize, max + 1)),
    };

    private static long MaxOf(string dataType) => dataType switch
    {
        "INT8" => sbyte.MaxValue,
        "UINT8" => byte.MaxValue,
        "INT16" => short.MaxValue,
        "UINT16" => ushort.MaxValue,
        _ => int.MaxValue,
    };

    private static float UniformFloat(DeterministicRandom rng) => (float)(rng.NextDouble() * 2 - 1);

    private static void WriteInteger(Span<byte> slot, long value)
    {
        switch (slot.Length)
        {
            case 1: slot[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteInt16LittleEndian(slot, (short)value); break;
            case 4: BinaryPrimitives.WriteInt32LittleEndian(slot, (int)value); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(slot, value); break;
        }
    }
}

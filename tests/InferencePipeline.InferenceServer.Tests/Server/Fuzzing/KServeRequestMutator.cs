using System.Buffers.Binary;
using Google.Protobuf;
using Inference;
using InferencePipeline.KServe;

namespace InferencePipeline.InferenceServer.Tests.Server.Fuzzing;

/// <summary>
/// Breaks valid ModelInferRequests the ways clients get them wrong, and the ways hostile ones try: names and datatypes
/// that do not match, shapes with the wrong rank, negative, zero, huge (2^31, 2^40, 2^62, long.MaxValue) or overflowing
/// dims, raw bytes that do not add up to the shape, typed contents of the wrong field or count, BYTES elements whose
/// length prefixes lie, outputs and parameters that do not exist or have the wrong type.
/// </summary>
public static class KServeRequestMutator
{
    public static readonly long[] OddDims =
        [0, -1, -2, 1, 3, 16, 17, 1 << 20, int.MaxValue, 1L << 32, 1L << 40, 1L << 62, long.MaxValue, long.MinValue, 4611686018427387905];

    private static readonly string[] Datatypes =
        [.. TensorDataType.All.Select(t => t.Name), "", "FP33", "fp32", "STRING", "INT128", "BF16 "];

    public static ModelInferRequest Mutate(ModelInferRequest valid, Random random)
    {
        var request = valid.Clone();
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            Apply(request, random);
        }
        return request;
    }

    private static void Apply(ModelInferRequest request, Random random)
    {
        var input = request.Inputs.Count > 0 ? request.Inputs[random.Next(request.Inputs.Count)] : null;
        switch (random.Next(17))
        {
            case 0:
                request.ModelName = Pick(random, "", "nope", "add/../add", "add\0", new string('m', 5000), request.ModelName + "x");
                break;
            case 1:
                request.ModelVersion = Pick(random, "1", "2", "0", "-1", "999999999999999999999", "x", " 1");
                break;
            case 2 when input is not null:
                input.Datatype = Datatypes[random.Next(Datatypes.Length)];
                break;
            case 3 when input is not null && input.Shape.Count > 0:
                input.Shape[random.Next(input.Shape.Count)] = OddDims[random.Next(OddDims.Length)];
                break;
            case 4 when input is not null:
                if (random.Next(2) == 0 && input.Shape.Count > 0)
                {
                    input.Shape.RemoveAt(random.Next(input.Shape.Count));
                }
                else
                {
                    input.Shape.Add(random.Next(3) == 0 ? OddDims[random.Next(OddDims.Length)] : random.Next(1, 4));
                }
                break;
            case 5 when input is not null:
                // Every dim huge: the product overflows long many times over.
                for (var d = 0; d < input.Shape.Count; d++)
                {
                    input.Shape[d] = OddDims[random.Next(7, OddDims.Length)];
                }
                break;
            case 6 when request.RawInputContents.Count > 0:
                var index = random.Next(request.RawInputContents.Count);
                var raw = request.RawInputContents[index].ToByteArray();
                var length = Math.Max(0, raw.Length + random.Next(-raw.Length, 64));
                Array.Resize(ref raw, length);
                request.RawInputContents[index] = ByteString.CopyFrom(raw);
                break;
            case 7:
                if (random.Next(2) == 0 && request.RawInputContents.Count > 0)
                {
                    request.RawInputContents.RemoveAt(random.Next(request.RawInputContents.Count));
                }
                else
                {
                    request.RawInputContents.Add(ByteString.CopyFrom(new byte[random.Next(0, 128)]));
                }
                break;
            case 8 when input is not null:
                // Typed contents instead of (or besides) raw ones, of the wrong field or count.
                input.Contents = new InferTensorContents();
                switch (random.Next(5))
                {
                    case 0: input.Contents.Fp32Contents.AddRange(Enumerable.Repeat(1f, random.Next(0, 40))); break;
                    case 1: input.Contents.IntContents.AddRange(Enumerable.Repeat(1, random.Next(0, 40))); break;
                    case 2: input.Contents.Int64Contents.AddRange(Enumerable.Repeat(1L, random.Next(0, 40))); break;
                    case 3: input.Contents.BoolContents.AddRange(Enumerable.Repeat(true, random.Next(0, 40))); break;
                    default: input.Contents.BytesContents.AddRange(Enumerable.Repeat(ByteString.CopyFromUtf8("x"), random.Next(0, 40))); break;
                }
                if (random.Next(2) == 0)
                {
                    request.RawInputContents.Clear();
                }
                break;
            case 9 when input is not null:
                input.Name = Pick(random, "", "INPUT1", "TEXT", "INPUT0", "TEXT_OUT", new string('i', 3000), "INPUT0\0");
                break;
            case 10:
                if (input is not null && random.Next(2) == 0)
                {
                    request.Inputs.Add(input.Clone());
                }
                else if (request.Inputs.Count > 0)
                {
                    request.Inputs.RemoveAt(random.Next(request.Inputs.Count));
                }
                break;
            case 11:
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor
                {
                    Name = Pick(random, "OUTPUT0", "OUTPUT1", "TEXT_OUT", "", "INPUT0"),
                });
                break;
            case 12:
                request.Parameters[Pick(random, "timeout", "priority", "binary_data_output", "sequence_id", "")] = random.Next(4) switch
                {
                    0 => new InferParameter { Int64Param = OddDims[random.Next(OddDims.Length)] },
                    1 => new InferParameter { StringParam = "x" },
                    2 => new InferParameter { BoolParam = true },
                    _ => new InferParameter(),
                };
                break;
            case 13 when request.RawInputContents.Count > 0:
                // BYTES elements whose 4-byte length prefix lies (past the end, negative, huge).
                var bytes = request.RawInputContents[0].ToByteArray();
                if (bytes.Length >= 4)
                {
                    var at = random.Next(bytes.Length - 3);
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), Pick(random, -1, int.MaxValue, int.MinValue, bytes.Length, 1 << 30, 0));
                    request.RawInputContents[0] = ByteString.CopyFrom(bytes);
                }
                break;
            case 14 when request.RawInputContents.Count > 0:
                var flipped = request.RawInputContents[0].ToByteArray();
                if (flipped.Length > 0)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                    request.RawInputContents[0] = ByteString.CopyFrom(flipped);
                }
                break;
            case 15 when input is not null && request.RawInputContents.Count > 0:
                // Raw bytes that match the shape as a careless server computes it (64-bit products that wrap around), so
                // only a checked element count tells a 2^66-element tensor from a small one.
                long elements = 1;
                foreach (var dim in input.Shape)
                {
                    elements = unchecked(elements * dim);
                }
                var size = unchecked(elements * (TensorDataType.FromName(input.Datatype)?.ElementSize ?? 4));
                if (size is >= 0 and <= 1 << 16)
                {
                    request.RawInputContents[0] = ByteString.CopyFrom(new byte[size]);
                }
                break;
            default:
                request.Id = Pick(random, "", "fuzz", new string('r', 10_000), "\ud800", "id\0");
                break;
        }
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];
}

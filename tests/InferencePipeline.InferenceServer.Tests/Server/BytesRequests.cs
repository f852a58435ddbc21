using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Inference;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>
/// Builds requests for the string models (TEXT, BYTES [-1, 2]) in raw and typed form and reads their answers.
/// Serializes Triton's way (4-byte little-endian length, then the bytes) with its own code, so a server-side
/// mistake in the same format cannot cancel out.
/// </summary>
public static class BytesRequests
{
    public const int Width = DemoModels.TextWidth;

    /// <summary>
    /// Distinct elements per request, of varying lengths, every other one with bytes that are not UTF-8 (0xFF
    /// never occurs in UTF-8) and some empty, so a mixed-up batch split or a lossy decoding cannot go unnoticed.
    /// </summary>
    public static byte[][] Values(int rows, int seed) =>
        Enumerable.Range(0, rows * Width).Select(i =>
        {
            if (i == 1 && seed % 5 == 0)
            {
                return Array.Empty<byte>();
            }
            var text = Encoding.UTF8.GetBytes($"r{seed}e{i}é" + new string('x', (seed + i) % 7));
            return i % 2 == 0 ? [.. text, 0xFF, (byte)seed, 0x00] : text;
        }).ToArray();

    public static byte[] Serialize(IEnumerable<byte[]> elements)
    {
        var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, element.Length);
            stream.Write(length);
            stream.Write(element);
        }
        return stream.ToArray();
    }

    public static byte[][] Deserialize(ReadOnlySpan<byte> data)
    {
        var elements = new List<byte[]>();
        while (data.Length > 0)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(data);
            elements.Add(data.Slice(4, length).ToArray());
            data = data[(4 + length)..];
        }
        return [.. elements];
    }

    public static ModelInferRequest Raw(string model, byte[][] values, int rows, string id = "")
    {
        var request = Skeleton(model, rows, id);
        request.RawInputContents.Add(ByteString.CopyFrom(Serialize(values)));
        return request;
    }

    public static ModelInferRequest Typed(string model, byte[][] values, int rows, string id = "")
    {
        var request = Skeleton(model, rows, id);
        request.Inputs[0].Contents = new InferTensorContents { BytesContents = { values.Select(ByteString.CopyFrom) } };
        return request;
    }

    public static ModelInferRequest.Types.InferInputTensor Input(int rows) =>
        new() { Name = DemoModels.TextInputName, Datatype = "BYTES", Shape = { rows, Width } };

    private static ModelInferRequest Skeleton(string model, int rows, string id) =>
        new() { ModelName = model, Id = id, Inputs = { Input(rows) } };

    /// <summary>The elements of output <paramref name="index"/>, whichever form it came in.</summary>
    public static byte[][] Output(ModelInferResponse response, int index = 0) =>
        response.RawOutputContents.Count > 0
            ? Deserialize(response.RawOutputContents[index].Span)
            : response.Outputs[index].Contents.BytesContents.Select(b => b.ToByteArray()).ToArray();
}

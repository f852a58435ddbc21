using System.Runtime.InteropServices;
using Google.Protobuf;
using Inference;
using InferencePipeline.Onnx;

namespace InferencePipeline.InferenceServer.Tests.Server;

/// <summary>Builds requests for the add-one model and reads its answers, in both raw and typed form.</summary>
public static class AddRequests
{
    public const int Width = DemoModels.TrivialWidth;

    /// <summary>Distinct values per request so a mixed-up batch split cannot go unnoticed.</summary>
    public static float[] Values(int rows, float seed) =>
        Enumerable.Range(0, rows * Width).Select(i => seed * 1000f + i).ToArray();

    public static ModelInferRequest Raw(string model, float[] values, int rows, string id = "")
    {
        var request = Skeleton(model, rows, id);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
        return request;
    }

    public static ModelInferRequest Typed(string model, float[] values, int rows, string id = "")
    {
        var request = Skeleton(model, rows, id);
        request.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { values } };
        return request;
    }

    private static ModelInferRequest Skeleton(string model, int rows, string id)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = DemoModels.TrivialInputName, Datatype = "FP32" };
        input.Shape.Add(rows);
        input.Shape.Add(Width);
        return new ModelInferRequest { ModelName = model, Id = id, Inputs = { input } };
    }

    /// <summary>The OUTPUT0 values of a response, whichever form it came in.</summary>
    public static float[] Output(ModelInferResponse response, int index = 0)
    {
        if (response.RawOutputContents.Count > 0)
        {
            return MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span).ToArray();
        }
        return response.Outputs[index].Contents.Fp32Contents.ToArray();
    }

    public static float[] PlusOne(float[] values) => values.Select(v => v + 1f).ToArray();
}

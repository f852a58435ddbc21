using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx;

/// <summary>
/// One input as KServe v2 sends it: name, datatype, concrete shape and the little-endian element bytes
/// (<c>raw_input_contents</c>). Converts to an ORT value holding the very same data, so a remote answer can be
/// compared with an in-process run on identical input.
/// </summary>
public sealed record RawInputTensor(string Name, string DataType, long[] Shape, byte[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>A managed (DenseTensor-backed) value; no disposal needed.</summary>
    public NamedOnnxValue ToNamedOnnxValue() => TensorBytes.ToNamedOnnxValue(Name, DataType, Shape, Data);

    /// <summary>A native ORT value over a copy of the data (faster to run); the caller disposes it.</summary>
    public OrtValue ToOrtValue() => TensorBytes.ToOrtValue(DataType, Shape, Data);
}

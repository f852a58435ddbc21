using InferencePipeline.Contracts;

namespace InferencePipeline.Converter.PyTorch;

/// <summary>
/// One PyTorch → ONNX export, as OLive's <c>convert</c> takes it.
/// <para><paramref name="Inputs"/>: one per argument of the model's forward(), in order; datatype in KServe
/// (<c>INT64</c>, <c>FP32</c>) or torch/numpy spelling (<c>int64</c>, <c>float32</c>); shape with the batch first
/// and -1 for every open dimension (the seed's <c>[-1,256]</c>). The first dimension is always exported as a
/// dynamic batch axis; every other -1 becomes a named dynamic axis.</para>
/// <para><paramref name="OutputNames"/>: empty to name them <c>output_0</c>, <c>output_1</c>, ...</para>
/// <para><paramref name="OnnxPath"/>: the file to write; nothing is written outside its folder.</para>
/// <para><paramref name="TrustPickle"/>: a torch.save pickle runs code when loaded, so it is loaded only when
/// true (CLI <c>--trust-pickle</c>, pipeline field <c>TrustPickle</c>); TorchScript needs no trust.</para>
/// <para><paramref name="Tolerance"/>: overrides <see cref="PyTorchExportOptions.Tolerance"/>.</para>
/// </summary>
public sealed record PyTorchExportRequest(
    string ModelPath,
    string OnnxPath,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<string>? OutputNames = null,
    int Opset = PyTorchExportRequest.DefaultOpset,
    bool TrustPickle = false,
    double? Tolerance = null)
{
    /// <summary>The seed's opset (OLive <c>--onnx_opset 11</c>).</summary>
    public const int DefaultOpset = 11;
}

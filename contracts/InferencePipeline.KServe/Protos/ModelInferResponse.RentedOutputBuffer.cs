namespace Inference;

/// <summary>
/// A server may build <c>raw_output_contents</c> as views of one pooled array instead of a fresh copy per output:
/// whoever writes the response out returns <see cref="RentedOutputBuffer"/> to <c>ArrayPool&lt;byte&gt;.Shared</c>
/// afterwards, and must not touch the response again. Null when nothing was rented.
/// </summary>
public sealed partial class ModelInferResponse
{
    public byte[]? RentedOutputBuffer { get; set; }
}

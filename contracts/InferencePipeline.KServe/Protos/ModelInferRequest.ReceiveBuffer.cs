namespace Inference;

/// <summary>
/// A server may parse a request straight out of one pooled receive buffer: its <c>raw_input_contents</c> then
/// point into <see cref="ReceiveBuffer"/> instead of owning a copy each, and the server returns the buffer to its
/// pool once the request is answered. Null for requests parsed the usual way (then nothing is to be returned).
/// </summary>
public sealed partial class ModelInferRequest
{
    public byte[]? ReceiveBuffer { get; set; }
}

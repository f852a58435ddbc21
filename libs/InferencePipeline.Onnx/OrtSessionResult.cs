using InferencePipeline.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace InferencePipeline.Onnx;

/// <summary>
/// A session and what it really runs with: <see cref="Effective"/> differs from the requested settings when a
/// provider was unavailable (fallback to CPU) or the optimization level was clamped; <see cref="Notes"/> says why.
/// Disposing disposes the session.
/// </summary>
public sealed class OrtSessionResult(InferenceSession session, OrtSettings requested, OrtSettings effective, IReadOnlyList<string> notes)
    : IDisposable
{
    public InferenceSession Session { get; } = session;

    public OrtSettings Requested { get; } = requested;

    public OrtSettings Effective { get; } = effective;

    public IReadOnlyList<string> Notes { get; } = notes;

    public bool FellBack => !string.Equals(Requested.ExecutionProvider, Effective.ExecutionProvider, StringComparison.OrdinalIgnoreCase);

    public void Dispose() => Session.Dispose();
}

namespace InferencePipeline.LoadGen;

/// <summary>
/// Input data in perf_analyzer's JSON format is malformed or does not fit the model; the message names the
/// step (0-based index in "data") and the input concerned.
/// </summary>
public sealed class InputDataException : Exception
{
    public InputDataException(string message, int? step = null, string? inputName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Step = step;
        InputName = inputName;
    }

    /// <summary>Index of the offending entry in "data", when one is concerned.</summary>
    public int? Step { get; }

    /// <summary>Name of the offending tensor, when one is concerned.</summary>
    public string? InputName { get; }
}

namespace InferencePipeline.LoadGen;

/// <summary>How request tensors are filled, as perf_analyzer's --input-data random|zero.</summary>
public enum InputDataMode
{
    /// <summary>Integers in [0, 1000) (valid token ids for a typical vocabulary), floats in [0, 1); BYTES: random printable strings.</summary>
    Random,

    /// <summary>All zeros for numeric inputs; BYTES inputs still get random printable strings, as perf_analyzer sends them.</summary>
    Zero,
}

using System.Text.Json;

namespace InferencePipeline.LoadGen;

/// <summary>
/// One tensor of one step of perf_analyzer input data: either values from a JSON array (flattened, row-major)
/// or little-endian bytes from a "b64" string, with the optional "shape" (without the batch dimension for a
/// batching model, like perf_analyzer's --shape).
/// </summary>
/// <param name="Values">Scalars (numbers, strings or booleans) when the data was a JSON array; null for b64.</param>
/// <param name="RawBytes">Decoded bytes when the data was {"b64": ...}; null for a JSON array.</param>
public sealed record InputDataTensor(string Name, long[]? Shape, IReadOnlyList<JsonElement>? Values, byte[]? RawBytes);

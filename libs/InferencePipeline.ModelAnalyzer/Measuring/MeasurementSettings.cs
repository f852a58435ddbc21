using InferencePipeline.LoadGen;

namespace InferencePipeline.ModelAnalyzer.Measuring;

/// <summary>
/// How each load is measured (perf_analyzer's flags as the profile gives them): the windows and stability rule,
/// what the requests hold, and how long a config may take to load.
/// </summary>
/// <param name="Shapes">Sizes for dynamic non-batch dims by input name (perf_analyzer's <c>--shape</c>); null takes the model's.</param>
/// <param name="InputDataFile">A perf_analyzer <c>--input-data</c> JSON file; null sends synthetic data of <see cref="InputData"/>.</param>
/// <param name="WarmupLimit">The first config measured is warmed up until the JIT settles or this has passed; zero skips it.</param>
/// <param name="UnloadAfterEachConfig">Unload each config when its measurements are done (each config its own repository entry).</param>
public sealed record MeasurementSettings(
    LoadGenOptions LoadGen,
    IReadOnlyDictionary<string, long[]>? Shapes = null,
    InputDataMode InputData = InputDataMode.Random,
    string? InputDataFile = null,
    TimeSpan? ModelReadyTimeout = null,
    TimeSpan WarmupLimit = default,
    bool UnloadAfterEachConfig = false);

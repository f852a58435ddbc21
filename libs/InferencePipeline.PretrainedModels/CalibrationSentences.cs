namespace InferencePipeline.PretrainedModels;

/// <summary>
/// Thirty-two English sentences written for this project, varied on purpose — short and long, questions,
/// numbers and units, names, technical and everyday topics, rare words that split into several word pieces,
/// punctuation — so that quantization and fp16 are judged on the kinds of inputs a text encoder meets, not on
/// random token ids.
/// </summary>
public static class CalibrationSentences
{
    public static IReadOnlyList<string> English { get; } =
    [
        "The cat slept on the warm windowsill all afternoon.",
        "How many kilometres is it from Lisbon to Madrid by train?",
        "Quarterly revenue rose 12.5% to $4.3 billion, beating analysts' expectations.",
        "Please restart the router and wait two minutes before reconnecting.",
        "She played the cello in a small orchestra every Thursday evening.",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "Is there a pharmacy open near the central station on Sundays?",
        "The committee postponed its decision until more evidence becomes available.",
        "Thunderstorms are expected tonight, with gusts of up to 90 km/h along the coast.",
        "I forgot my umbrella, so I waited under the bridge until the rain stopped.",
        "A binary search halves the remaining interval at every step.",
        "The museum's new wing displays ceramics from the Ming dynasty.",
        "Add two eggs, a pinch of salt and 200 grams of flour, then stir gently.",
        "Why does the moon look larger when it is close to the horizon?",
        "The defendant pleaded not guilty to all charges on Monday.",
        "Our flight was delayed because of fog, and we missed the connection in Frankfurt.",
        "Mitochondria are often described as the powerhouse of the cell.",
        "The quick brown fox jumps over the lazy dog.",
        "Compile the project in release mode and run the benchmarks twice.",
        "Thousands of volunteers planted trees along the riverbank last spring.",
        "Can you recommend a good book about the history of mathematics?",
        "The striker scored twice in the second half to secure the championship.",
        "Electric vehicles need fewer moving parts than cars with combustion engines.",
        "Hydrothermal vents support ecosystems that never see sunlight.",
        "My grandmother still writes letters by hand to her friends abroad.",
        "The algorithm's memory footprint grows linearly with the number of users.",
        "Antidisestablishmentarianism is a famously long English word.",
        "Turn left at the bakery, then take the second street on the right.",
        "Vaccines train the immune system to recognise specific pathogens.",
        "The orchestra tuned their instruments while the audience found their seats.",
        "Interest rates were left unchanged, although inflation remains above target.",
        "Yes.",
    ];
}

namespace InferencePipeline.LoadGen;

/// <summary>How a <see cref="JitWarmup"/> ended: settled, or stopped by its time limit.</summary>
/// <param name="Settled">The last round compiled at most <see cref="JitWarmup.SettledMethodsPerRound"/> methods.</param>
/// <param name="Rounds">Rounds of load sent.</param>
/// <param name="CompiledMethods">Methods the JIT compiled meanwhile (in this process; a remote server tiers up on its own).</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record JitWarmupResult(bool Settled, int Rounds, long CompiledMethods, TimeSpan Elapsed);

using InferencePipeline.Contracts;
using InferencePipeline.ModelAnalyzer.Config;
using InferencePipeline.ModelAnalyzer.Search;

namespace InferencePipeline.ModelAnalyzer.Profiling;

/// <summary>
/// Model Analyzer's profile of one model after another: the fixed configs (the default first) swept over the loads,
/// then the space searched — every config swept (brute), or hill climbing from the space's origin with one
/// measurement per candidate and the best <see cref="ModelProfileJob.NumConfigsPerModel"/> swept after (quick).
/// Every point is looked up in the checkpoints before it is measured and checkpointed as soon as it is, and every
/// decision depends only on measured values, so a run over the same checkpoints takes the same path: an
/// interrupted profile resumes where it stopped, measuring nothing twice.
/// </summary>
public sealed class ProfileEngine(IServingMeasurer measurer, IMeasurementCheckpoints checkpoints, IProfileObserver observer)
{
    private readonly IServingMeasurer _measurer = measurer;
    private readonly IMeasurementCheckpoints _checkpoints = checkpoints;
    private readonly IProfileObserver _observer = observer;
    private int _nextIndex;

    /// <summary>Points measured now (not found in the checkpoints), over every model profiled by this engine.</summary>
    public int FreshMeasurements { get; private set; }

    /// <summary>Points found in the checkpoints instead of measured.</summary>
    public int ReplayedMeasurements { get; private set; }

    public async Task<IReadOnlyList<ProfileMeasurement>> ProfileAsync(ModelProfileJob job, CancellationToken cancellationToken)
    {
        var run = new ModelRun(this, job, cancellationToken);
        var distinct = job.DistinctConfigs();
        await _observer.ModelStartingAsync(job.ModelName, distinct.Count, job.MaxMeasurements(distinct.Count), cancellationToken);
        // Two fixed configs that are one (an ORT-tuned config the tuner left as the default) are swept once.
        foreach (var config in job.Fixed.DistinctBy(c => c.Identity))
        {
            await run.SweepAsync(config);
        }

        if (job.Grid is not null)
        {
            if (job.Mode == ConfigSearchMode.Quick && job.Grid.Axes.Count > 0)
            {
                await run.ClimbAsync(job.Grid);
            }
            else
            {
                foreach (var config in distinct.Skip(job.Fixed.Count))
                {
                    await run.SweepAsync(config);
                }
            }
        }

        return run.Measurements;
    }

    /// <summary>One model's profile in progress: what it measured, in visit order, and the open session if any.</summary>
    private sealed class ModelRun(ProfileEngine engine, ModelProfileJob job, CancellationToken ct)
    {
        private readonly Dictionary<(string Identity, LoadPoint Point), ProfileMeasurement> _done = [];

        public List<ProfileMeasurement> Measurements { get; } = [];

        /// <summary>Model Analyzer's concurrency sweep of one config (<see cref="LoadSweep"/>).</summary>
        public async Task SweepAsync(PlannedServingConfig config)
        {
            IServingSession? session = null;
            try
            {
                await LoadSweep.RunAsync(job.Load, job.Constraints, job.Score, async point =>
                {
                    var (m, opened) = await PointAsync(config, point, session);
                    session ??= opened;
                    return m;
                });
            }
            finally
            {
                if (session is not null)
                {
                    await session.DisposeAsync();
                }
            }
        }

        /// <summary>
        /// Quick search: the <see cref="HillClimb"/> walk, each candidate measured once at the load
        /// <see cref="LoadSpec.QuickPoint"/> derives from it; then the best few candidates get the full sweep.
        /// </summary>
        public async Task ClimbAsync(IConfigGrid grid)
        {
            var order = new CandidateOrder(job.Constraints, job.Score);
            var candidates = new List<(PlannedServingConfig Config, ProfileMeasurement Measurement)>();
            await HillClimb.RunAsync(grid, order, job.NoiseMargin, async coordinate =>
            {
                var config = grid.At(coordinate);
                var measurement = await CandidateAsync(config);
                candidates.Add((config, measurement));
                return measurement;
            });
            var fixedIdentities = job.Fixed.Select(c => c.Identity).ToHashSet(StringComparer.Ordinal);
            var ranked = candidates
                .Where(v => !fixedIdentities.Contains(v.Config.Identity))
                .DistinctBy(v => v.Config.Identity)
                .OrderByDescending(v => v.Measurement, order)
                .Take(job.NumConfigsPerModel)
                .ToList();
            foreach (var (config, _) in ranked)
            {
                await SweepAsync(config);
            }
        }

        private async Task<ProfileMeasurement> CandidateAsync(PlannedServingConfig config)
        {
            var (measurement, session) = await PointAsync(config, job.Load.QuickPoint(config), null);
            if (session is not null)
            {
                await session.DisposeAsync();
            }

            return measurement;
        }

        /// <summary>
        /// One point: from this run's own measurements, else from the checkpoints, else measured now (loading the config
        /// first when no session is open) and checkpointed before it is reported.
        /// </summary>
        private async Task<(ProfileMeasurement Measurement, IServingSession? Opened)> PointAsync(
            PlannedServingConfig config, LoadPoint point, IServingSession? session)
        {
            if (_done.TryGetValue((config.Identity, point), out var known))
            {
                return (known, null);
            }

            ProfileMeasurement measurement;
            IServingSession? opened = null;
            var hit = await engine._checkpoints.FindAsync(job.ModelName, config, point, ct);
            var index = engine._nextIndex;
            if (hit is not null)
            {
                measurement = hit.Measurement with { Config = config.ToProfiled() };
                engine._nextIndex++;
                engine.ReplayedMeasurements++;
                await engine._observer.PointAsync(new ProfilePoint(job.ModelName, config, measurement, index, Replayed: true, hit.Announced), ct);
            }
            else
            {
                if (session is null)
                {
                    await engine._observer.ConfigStartingAsync(job.ModelName, config, ct);
                    session = opened = await engine._measurer.OpenAsync(config, ct);
                }

                await engine._observer.MeasuringAsync(job.ModelName, config, point, ct);
                var measured = await session.MeasureAsync(point, ct);
                measurement = new ProfileMeasurement(config.ToProfiled(), point.Concurrency, measured.Stats, point.BatchSize, measured.Server, point.RequestRate);
                engine._nextIndex++;
                engine.FreshMeasurements++;
                await engine._checkpoints.SaveAsync(job.ModelName, config, point, measurement, index, ct);
                await engine._observer.PointAsync(new ProfilePoint(job.ModelName, config, measurement, index, Replayed: false, Announced: false), ct);
            }

            _done[(config.Identity, point)] = measurement;
            Measurements.Add(measurement);
            return (measurement, opened);
        }
    }
}

using InferencePipeline.Contracts;

namespace InferencePipeline.Orchestrator;

/// <summary>The bookkeeping each transition does on <see cref="PipelineState"/>: stage, progress, timestamps, last message.</summary>
internal static class PipelineStateUpdates
{
    public static void Begin(PipelineState state, StartPipeline request)
    {
        var now = DateTimeOffset.UtcNow;
        state.Request = request;
        state.CreatedAt = now;
        state.StageStartedAt = now;
        state.Stage = PipelineStage.Converting;
        state.ProgressPercent = 0;
        Touch(state, $"Converting {request.ModelUri}");
    }

    public static void EnterStage(PipelineState state, PipelineStage stage, string message)
    {
        state.Stage = stage;
        state.StageStartedAt = DateTimeOffset.UtcNow;
        state.ProgressPercent = Math.Max(state.ProgressPercent, PipelineProgress.Percent(stage, 0));
        Touch(state, message);
    }

    public static void RecordMeasurement(PipelineState state, ProfileMeasured measured)
    {
        // Measurements may arrive out of order or twice (redelivery): keep the highest count seen.
        state.MeasurementsDone = Math.Max(state.MeasurementsDone, measured.Index + 1);
        state.MeasurementsTotal = Math.Max(state.MeasurementsTotal, measured.Total);
        if (state.MeasurementsTotal > 0)
        {
            state.ProgressPercent = Math.Max(state.ProgressPercent,
                PipelineProgress.Percent(PipelineStage.Profiling, (double)state.MeasurementsDone / state.MeasurementsTotal));
        }

        var m = measured.Measurement;
        var budget = state.Request?.Constraints?.MaxLatencyP99Ms;
        if ((budget is null || m.Stats.P99Ms <= budget) && m.Stats.ThroughputPerSec > (state.BestSoFar?.Stats.ThroughputPerSec ?? 0))
        {
            state.BestSoFar = m;
        }

        Touch(state, $"Measured {m.Config.Name} at concurrency {m.Concurrency}: {m.Stats.ThroughputPerSec:F1}/s, " +
                     $"p99 {m.Stats.P99Ms:F2} ms ({state.MeasurementsDone}/{state.MeasurementsTotal})");
    }

    public static void Finish(PipelineState state, string message)
    {
        state.ProgressPercent = 100;
        state.FinishedAt = DateTimeOffset.UtcNow;
        Touch(state, message);
    }

    public static void Touch(PipelineState state, string message)
    {
        state.LastMessage = message;
        state.UpdatedAt = DateTimeOffset.UtcNow;
    }
}

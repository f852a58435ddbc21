using InferencePipeline.Contracts;

namespace InferencePipeline.Cli.Composition;

/// <summary>Accumulates the events of one pipeline; other pipelines' events are ignored.</summary>
public sealed class PipelineOutcomeBuilder(Guid pipelineId)
{
    private readonly List<ProfileMeasurement> _measurements = [];
    private PipelineCompleted? _completed;
    private PipelineFailed? _failed;
    private PipelineCancelled? _cancelled;
    private ConvertedSummary? _converted;
    private OrtTuned? _tuned;
    private ModelProfiled? _profiled;
    private ResultsAnalyzed? _analyzed;
    private ModelDeployed? _deployed;

    public bool Finished => _completed is not null || _failed is not null || _cancelled is not null;

    public bool Apply(object message)
    {
        switch (message)
        {
            case PipelineStarted m when m.PipelineId == pipelineId: break;
            case StageProgress m when m.PipelineId == pipelineId: break;
            case StageFailed m when m.PipelineId == pipelineId: break;
            case ModelProfiled m when m.PipelineId == pipelineId: _profiled = m; break;
            case ModelConverted m when m.PipelineId == pipelineId: _converted = new(m.OnnxUri, m.DefaultConfigUri, m.MaxBatchSize); break;
            case OrtTuned m when m.PipelineId == pipelineId: _tuned = m; break;
            case ProfileMeasured m when m.PipelineId == pipelineId: _measurements.Add(m.Measurement); break;
            case ResultsAnalyzed m when m.PipelineId == pipelineId: _analyzed = m; break;
            case ModelDeployed m when m.PipelineId == pipelineId: _deployed = m; break;
            case PipelineCompleted m when m.PipelineId == pipelineId: _completed = m; break;
            case PipelineFailed m when m.PipelineId == pipelineId: _failed = m; break;
            case PipelineCancelled m when m.PipelineId == pipelineId: _cancelled = m; break;
            default: return false;
        }

        return true;
    }

    public void TimedOut(TimeSpan timeout) =>
        _failed ??= new PipelineFailed(pipelineId, PipelineStage.Converting,
            $"No end of the pipeline heard within {timeout.TotalMinutes:0} minutes; it may still be running (see 'inferpipe status').");

    public PipelineOutcome Build() =>
        new(pipelineId, _completed, _failed, _cancelled, _converted, _tuned, _profiled, _analyzed, _deployed, _measurements);
}

namespace InferencePipeline.LoadGen;

/// <summary>Tells load-generator workers to finish after their current request.</summary>
internal sealed class StopFlag
{
    private volatile bool _set;

    public bool IsSet => _set;

    public void Set() => _set = true;
}

namespace InferencePipeline.Converter;

/// <summary>A dimension a model leaves open that the pipeline needs a size for: input, axis and the model's name for it (dim_param).</summary>
public sealed record OpenDimension(string Input, int Axis, string? DimName)
{
    public override string ToString() => DimName is null ? $"'{Input}' axis {Axis}" : $"'{Input}' axis {Axis} ('{DimName}')";
}

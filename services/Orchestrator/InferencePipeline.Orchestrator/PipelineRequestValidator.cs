using InferencePipeline.Contracts;

namespace InferencePipeline.Orchestrator;

/// <summary>
/// Checks a StartPipeline that came from outside (HTTP, CLI) and fills what may be left out: an id, the
/// model name from the file name, empty tensor lists, the small search space, deployment to the local server.
/// The model name becomes a directory and a served model's name, so it must follow <see cref="ModelNames"/>.
/// </summary>
public static class PipelineRequestValidator
{
    public static StartPipeline Normalize(StartPipeline request)
    {
        var modelName = string.IsNullOrWhiteSpace(request.ModelName) && !string.IsNullOrWhiteSpace(request.ModelUri)
            ? Path.GetFileNameWithoutExtension(request.ModelUri.TrimEnd('/'))
            : request.ModelName;
        return request with
        {
            PipelineId = request.PipelineId == Guid.Empty ? Guid.NewGuid() : request.PipelineId,
            ModelName = modelName ?? "",
            Inputs = request.Inputs ?? [],
            Outputs = request.Outputs ?? [],
            Constraints = request.Constraints ?? PipelineConstraints.None,
            Objectives = request.Objectives is { Count: > 0 } ? request.Objectives : Objective.Default,
            SearchSpace = request.SearchSpace ?? SearchSpace.Small,
            DeployTarget = request.DeployTarget ?? DeployTarget.LocalServer,
        };
    }

    /// <summary>Problems keyed by field name, empty when the request is fine.</summary>
    public static Dictionary<string, string[]> Validate(StartPipeline request)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        if (string.IsNullOrWhiteSpace(request.ModelUri))
            Add(nameof(request.ModelUri), "modelUri is required: the artifacts/ URI POST /models answered, or a path under Pipeline:Models:AllowedRoots.");
        if (ModelNames.Problem(request.ModelName) is { } nameProblem)
            Add(nameof(request.ModelName), nameProblem);
        if (!Enum.IsDefined(request.Format))
            Add(nameof(request.Format), $"format {(int)request.Format} is not one of {string.Join(", ", Enum.GetNames<ModelFormat>())}.");

        foreach (var (tensor, field) in request.Inputs.Select(t => (t, nameof(request.Inputs))).Concat(request.Outputs.Select(t => (t, nameof(request.Outputs)))))
        {
            if (tensor is null || string.IsNullOrWhiteSpace(tensor.Name) || string.IsNullOrWhiteSpace(tensor.DataType) || tensor.Shape is null)
                Add(field, "every tensor needs a name, a dataType (e.g. INT64, FP32) and a shape (-1 for a dynamic dimension).");
            else if (tensor.Shape.Any(d => d < -1 || d == 0))
                Add(field, $"tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}]: dimensions are positive or -1.");
        }

        if (request.OnnxOpset is < 1)
            Add(nameof(request.OnnxOpset), $"onnxOpset {request.OnnxOpset} is not an ONNX opset: give the opset to export a PyTorch model at (e.g. 11, the default, or 17).");

        var space = request.SearchSpace;
        if (space.Concurrency is null || space.Concurrency.Count == 0 || space.Concurrency.Any(c => c <= 0))
            Add(nameof(request.SearchSpace), "searchSpace.concurrency needs at least one value, all positive.");
        if (space.InstanceCounts is null || space.InstanceCounts.Count == 0 || space.InstanceCounts.Any(c => c <= 0))
            Add(nameof(request.SearchSpace), "searchSpace.instanceCounts needs at least one value, all positive.");
        if (space.PreferredBatchSizes is null || space.PreferredBatchSizes.Any(c => c <= 0))
            Add(nameof(request.SearchSpace), "searchSpace.preferredBatchSizes must be positive (empty profiles without dynamic batching).");
        if (space.MeasurementWindowMs <= 0)
            Add(nameof(request.SearchSpace), "searchSpace.measurementWindowMs must be positive.");

        if (request.Constraints.MaxLatencyP99Ms is <= 0)
            Add(nameof(request.Constraints), "constraints.maxLatencyP99Ms must be positive when given.");
        if (request.Objectives.Any(o => o is null || o.Metric is not (Objective.Throughput or Objective.LatencyP99 or Objective.LatencyP50)))
        {
            Add(nameof(request.Objectives),
                $"objectives metric must be {Objective.Throughput}, {Objective.LatencyP99} or {Objective.LatencyP50}.");
        }
        return errors;
    }
}

using InferencePipeline.Contracts;

namespace InferencePipeline.Converter;

/// <summary>
/// Compares the tensors a request declares with the ones the model has: same names (both ways), same
/// datatype, same rank, and equal sizes wherever both sides fix a dimension (-1 matches anything). A mismatch
/// caught here is a clear message now instead of an inference error at profiling time.
/// </summary>
public static class SignatureCheck
{
    /// <param name="kind">"input" or "output", for the messages.</param>
    /// <param name="everyTensorDeclared">
    /// Whether a declaration must name every tensor of the model. Inputs may be declared in part (only the ones
    /// whose open dims need a size); a misspelt name is still caught, as a declared name the model lacks.
    /// </param>
    /// <returns>One line per problem; empty when the declaration matches (or declares nothing).</returns>
    public static IReadOnlyList<string> Problems(string kind, IReadOnlyList<TensorSpec> declared, IReadOnlyList<TensorSpec> actual, bool everyTensorDeclared = true)
    {
        var problems = new List<string>();
        if (declared.Count == 0)
        {
            return problems;
        }

        var byName = actual.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var spec in declared)
        {
            if (!byName.TryGetValue(spec.Name, out var model))
            {
                problems.Add($"declared {kind} '{spec.Name}' is not in the model (its {kind}s: {Names(actual)})");
                continue;
            }

            if (!string.Equals(spec.DataType, model.DataType, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{kind} '{spec.Name}' is declared {spec.DataType} but the model has {model.DataType}");
            }

            if (spec.Shape.Count != model.Shape.Count)
            {
                problems.Add($"{kind} '{spec.Name}' is declared with shape {Shape(spec.Shape)} but the model has {Shape(model.Shape)}");
            }
            else if (spec.Shape.Zip(model.Shape).Any(d => d.First >= 0 && d.Second >= 0 && d.First != d.Second))
            {
                problems.Add($"{kind} '{spec.Name}' is declared with shape {Shape(spec.Shape)} but the model has {Shape(model.Shape)}");
            }
        }

        var declaredNames = declared.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in actual.Where(a => everyTensorDeclared && !declaredNames.Contains(a.Name)))
        {
            problems.Add($"the model's {kind} '{missing.Name}' ({missing.DataType} {Shape(missing.Shape)}) is not declared");
        }

        return problems;
    }

    private static string Names(IEnumerable<TensorSpec> specs) => string.Join(", ", specs.Select(s => s.Name));

    private static string Shape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}

using Onnx;

namespace InferencePipeline.Onnx.Precision;

/// <summary>
/// Lookups over one graph that transforms need: initializers by name, the node producing each value, the nodes
/// consuming it, and constant tensors behind <c>Identity</c> chains or <c>Constant</c> nodes (exporters route
/// shared weights through Identity nodes pointing at one initializer).
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs;

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var tensor in graph.Initializer)
        {
            _initializers[tensor.Name] = tensor;
        }

        foreach (var node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                _producers[output] = node;
            }

            foreach (string input in node.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        _graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    public GraphProto Graph { get; }

    public bool IsGraphOutput(string value) => _graphOutputs.Contains(value);

    public IReadOnlyList<NodeProto> Consumers(string value) =>
        _consumers.TryGetValue(value, out var list) ? list : [];

    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    public TensorProto? Initializer(string name) => _initializers.GetValueOrDefault(name);

    /// <summary>The constant tensor behind <paramref name="value"/> (initializer, Constant node, through Identity nodes), or null.</summary>
    public TensorProto? Constant(string value)
    {
        for (int hops = 0; hops < 64; hops++)
        {
            if (_initializers.TryGetValue(value, out var tensor))
            {
                return tensor;
            }

            var producer = Producer(value);
            if (producer is { OpType: "Identity", Domain: "" } && producer.Input.Count == 1)
            {
                value = producer.Input[0];
                continue;
            }

            if (producer is { OpType: "Constant", Domain: "" })
            {
                return producer.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            }

            return null;
        }

        return null;
    }

    /// <summary>The graph inputs that are not also initializers (ONNX before IR 4 lists initializers as inputs too).</summary>
    public IEnumerable<ValueInfoProto> RealInputs => Graph.Input.Where(i => !_initializers.ContainsKey(i.Name));
}

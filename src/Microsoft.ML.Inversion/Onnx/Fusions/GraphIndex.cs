using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// What the fusion passes ask of an imported graph: which node produces and which nodes read a value, which values
/// are constants (through Identity nodes too: PyTorch's exporter shares equal weights that way), and which nodes an
/// earlier fusion already took.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, int> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _readers = new(StringComparer.Ordinal);
    private readonly HashSet<int> _claimed = [];
    private readonly IReadOnlyDictionary<string, Tensor> _constants;
    private readonly IReadOnlySet<string> _graphOutputs;

    public GraphIndex(IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, Tensor> constants, IReadOnlySet<string> graphOutputs)
    {
        Nodes = nodes;
        _constants = constants;
        _graphOutputs = graphOutputs;
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (string output in nodes[i].Outputs.Where(o => o.Length > 0))
                _producer[output] = i;
            foreach (string input in nodes[i].Inputs.Where(n => n.Length > 0))
                (_readers.TryGetValue(input, out var list) ? list : _readers[input] = []).Add(i);
        }
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The index of the node that produces <paramref name="value"/>, or -1 for the graph input and constants.</summary>
    public int Producer(string value) => _producer.TryGetValue(value, out int index) ? index : -1;

    /// <summary>The unclaimed node producing <paramref name="value"/> as its only output, if it is a <paramref name="opType"/>.</summary>
    public OnnxNode? ProducerOf(string value, string opType, out int index)
    {
        index = Producer(value);
        return index >= 0 && !_claimed.Contains(index) && Nodes[index] is { } node && node.OpType == opType && node.Outputs.Length == 1 ? node : null;
    }

    /// <summary>
    /// The one node reading <paramref name="value"/>, when it is an unclaimed <paramref name="opType"/> with one output
    /// and the value is no graph output: the value can then disappear into a fusion.
    /// </summary>
    public OnnxNode? SoleReader(string value, string opType, out int index)
    {
        index = -1;
        if (_graphOutputs.Contains(value) || !_readers.TryGetValue(value, out var readers) || readers.Count != 1)
            return null;
        index = readers[0];
        return !_claimed.Contains(index) && Nodes[index] is { } node && node.OpType == opType && node.Outputs.Length == 1 ? node : null;
    }

    /// <summary>The nodes reading <paramref name="value"/>; empty for a graph output, which must stay as written.</summary>
    public IReadOnlyList<int> Readers(string value) =>
        !_graphOutputs.Contains(value) && _readers.TryGetValue(value, out var readers) ? readers : [];

    /// <summary>The constant (initializer or Constant node) <paramref name="value"/> is, through any Identity nodes; null if it is computed.</summary>
    public string? ConstantName(string value)
    {
        for (int hops = 0; hops < 16; hops++)
        {
            if (_constants.ContainsKey(value))
                return value;
            int producer = Producer(value);
            if (producer < 0 || Nodes[producer] is not { OpType: "Identity", Inputs: [{ } source] })
                return null;
            value = source;
        }
        return null;
    }

    /// <summary>The constant <paramref name="value"/> is, or null.</summary>
    public Tensor? Constant(string value) => ConstantName(value) is { } name ? _constants[name] : null;

    /// <summary>The value of a one-element floating-point constant, or null.</summary>
    public double? Scalar(string value)
    {
        if (Constant(value) is not { } t || t.numel() != 1 || !t.is_floating_point())
            return null;
        using var scope = NewDisposeScope();
        return t.cpu().to_type(ScalarType.Float64).item<double>();
    }

    /// <summary>Whether <paramref name="value"/> is a one-element constant within float32 rounding of <paramref name="expected"/>.</summary>
    public bool IsScalar(string value, double expected) =>
        Scalar(value) is { } v && Math.Abs(v - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected));

    /// <summary>The other input of a two-input node, given one of them; null if neither is <paramref name="input"/>.</summary>
    public static string? Other(OnnxNode node, string input) => node.Inputs switch
    {
        [var a, var b] when a == input => b,
        [var a, var b] when b == input => a,
        _ => null,
    };

    /// <summary>Takes the members of a fusion, so that no node runs in two.</summary>
    public NodeFusion Claim(NodeFusion fusion)
    {
        foreach (int member in fusion.Members)
            if (!_claimed.Add(member))
                throw new InvalidOperationException($"node {member} is in two fusions");
        return fusion;
    }

    public bool IsClaimed(int index) => _claimed.Contains(index);
}

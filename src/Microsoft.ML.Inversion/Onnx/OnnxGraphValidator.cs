using Microsoft.ML.Inversion.Onnx.Operators;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

/// <summary>
/// The load-time checks of a graph's structure: its opset, that every value is defined once, that every input
/// is produced by something, that the nodes can run in some order (no cycle), and that constant weights and
/// requested shapes are usable. Each failure is an <see cref="OnnxImportException"/> naming the file and the node.
/// </summary>
internal static class OnnxGraphValidator
{
    /// <summary>The model's default-domain opset; a model that declares none is refused, not read as opset 1.</summary>
    public static long DefaultOpset(ModelProto model, string path)
    {
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset <= 0)
            throw new OnnxImportException($"ONNX file '{path}' has no opset_import for the default ONNX domain, so the version of its operators is unknown. " +
                "Every exported model declares one, written after the graph: the file may be truncated.");
        return opset;
    }

    /// <summary>Adds a defined value name, refusing one that is already defined.</summary>
    public static void Define(ISet<string> defined, string value, string path, string by)
    {
        if (!defined.Add(value))
            throw new OnnxImportException($"ONNX file '{path}': value '{value}' is defined twice (again by {by}); every value must have exactly one producer.");
    }

    /// <summary>
    /// The nodes in an order where each runs after the producers of its inputs: the file's order when the file is
    /// topologically sorted, as ONNX requires. <paramref name="available"/> holds the values that exist before any
    /// node runs (the graph inputs, initializers and Constant outputs).
    /// </summary>
    public static OnnxNode[] Order(IReadOnlyList<OnnxNode> nodes, ISet<string> available, string path)
    {
        var defined = new HashSet<string>(available, StringComparer.Ordinal);
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (string output in nodes[i].Outputs.Where(o => o.Length > 0))
            {
                Define(defined, output, path, $"node '{nodes[i].Name}'");
                producer[output] = i;
            }

        var readers = nodes.Select(_ => new List<int>()).ToArray();
        var waitingFor = new int[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
            foreach (string input in nodes[i].Inputs.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (producer.TryGetValue(input, out int p))
                {
                    waitingFor[i]++;
                    readers[p].Add(i);
                }
                else if (!available.Contains(input))
                    throw nodes[i].Error($"input '{input}' is produced by no node, initializer, Constant or graph input.");
            }

        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++)
            if (waitingFor[i] == 0)
                ready.Enqueue(i, i);
        var order = new List<OnnxNode>(nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(nodes[i]);
            foreach (int reader in readers[i])
                if (--waitingFor[reader] == 0)
                    ready.Enqueue(reader, reader);
        }
        if (order.Count < nodes.Count)
            throw Cycle(nodes, waitingFor, producer, path);
        return order.ToArray();
    }

    /// <summary>
    /// Checks the arguments that are constants: convolution weights must have positive sizes, and a shape that
    /// Reshape, Expand or ConstantOfShape asks for must stay within <see cref="OnnxGraphModule.MaxTensorElements"/>.
    /// </summary>
    public static void CheckConstantArguments(IEnumerable<OnnxNode> nodes, IReadOnlyDictionary<string, Tensor> constants)
    {
        Tensor? Constant(OnnxNode node, int index) =>
            index < node.Inputs.Length && constants.TryGetValue(node.Inputs[index], out Tensor? t) ? t : null;

        foreach (OnnxNode node in nodes)
        {
            if (node.OpType == "Conv" && Constant(node, 1) is { } weight && LinearOperators.WeightProblem(node.Inputs[1], weight.shape) is { } problem)
                throw node.Error(problem);
            if (ShapeOperators.ShapeInputs.TryGetValue(node.OpType, out int index) && Constant(node, index) is { } shape)
                ShapeOperators.CheckRequestedShape(node, OperatorHelpers.Longs(shape));
        }
    }

    // Every node left unordered waits for some producer that is also left: walking from one to such a producer
    // must come back to a node already seen, and the walk from there is the cycle.
    private static OnnxImportException Cycle(IReadOnlyList<OnnxNode> nodes, int[] waitingFor, Dictionary<string, int> producer, string path)
    {
        int current = Array.FindIndex(waitingFor, w => w > 0);
        var walk = new List<int>();
        while (!walk.Contains(current))
        {
            walk.Add(current);
            current = nodes[current].Inputs
                .Where(input => producer.TryGetValue(input, out int p) && waitingFor[p] > 0)
                .Select(input => producer[input])
                .First();
        }
        var cycle = walk.Skip(walk.IndexOf(current)).Append(current).Select(i => $"'{nodes[i].Name}'");
        return new OnnxImportException($"ONNX file '{path}': the graph has a cycle, so its nodes cannot run in any order: {string.Join(", which reads an output of ", cycle)}.");
    }
}

namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// The exact GELU as exporters before opset 20 write it: x · (erf(x / √2) + 1) · 0.5, the halving before or after
/// the product, the division also as a product with 1/√2. One fused gelu instead of five passes (every transformer
/// MLP and ConvNeXt block has one).
/// </summary>
internal static class GeluFusion
{
    public const string Kind = "Gelu";

    public static IEnumerable<NodeFusion> Find(GraphIndex graph)
    {
        for (int i = 0; i < graph.Nodes.Count; i++)
            if (graph.Nodes[i].OpType == "Erf" && !graph.IsClaimed(i) && TryMatch(graph, i) is { } fusion)
                yield return graph.Claim(fusion);
    }

    private static NodeFusion? TryMatch(GraphIndex graph, int erfIndex)
    {
        OnnxNode erf = graph.Nodes[erfIndex];
        if (erf.Outputs.Length != 1)
            return null;
        // x / √2 or x · (1/√2), read by the Erf alone.
        int scaleIndex = -1;
        string? x = null;
        if (graph.ProducerOf(erf.Inputs[0], "Div", out int divIndex) is { Inputs: [var dividend, var divisor] } && graph.IsScalar(divisor, Math.Sqrt(2)))
            (scaleIndex, x) = (divIndex, dividend);
        else if (graph.ProducerOf(erf.Inputs[0], "Mul", out int mulIndex) is { } mul && mul.Inputs.FirstOrDefault(i => graph.IsScalar(i, Math.Sqrt(0.5))) is { } half
            && GraphIndex.Other(mul, half) is { } factor)
            (scaleIndex, x) = (mulIndex, factor);
        if (x is null || graph.Readers(erf.Inputs[0]).Count != 1)
            return null;
        if (graph.SoleReader(erf.Outputs[0], "Add", out int plusOneIndex) is not { } plusOne
            || !graph.IsScalar(GraphIndex.Other(plusOne, erf.Outputs[0]) ?? "", 1)
            || graph.SoleReader(plusOne.Outputs[0], "Mul", out int productIndex) is not { } product
            || GraphIndex.Other(product, plusOne.Outputs[0]) is not { } otherFactor)
            return null;

        int[] members;
        string output;
        if (otherFactor == x && graph.SoleReader(product.Outputs[0], "Mul", out int halfIndex) is { } halve
            && graph.IsScalar(GraphIndex.Other(halve, product.Outputs[0]) ?? "", 0.5))
        {
            // (x · (erf + 1)) · 0.5
            members = [scaleIndex, erfIndex, plusOneIndex, productIndex, halfIndex];
            output = halve.Outputs[0];
        }
        else if (graph.ProducerOf(otherFactor, "Mul", out int halfFirstIndex) is { } halfFirst && GraphIndex.Other(halfFirst, x) is { } h
            && graph.IsScalar(h, 0.5) && graph.Readers(otherFactor).Count == 1)
        {
            // (x · 0.5) · (erf + 1)
            members = [halfFirstIndex, scaleIndex, erfIndex, plusOneIndex, productIndex];
            output = product.Outputs[0];
        }
        else
            return null;
        if (members.Any(graph.IsClaimed))
            return null;
        Array.Sort(members);
        OnnxNode last = graph.Nodes[members[^1]];
        return new NodeFusion(Kind, members, OnnxNode.Synthetic(last, "Gelu", last.Name, [x], output, ("approximate", "none")));
    }
}

using Microsoft.ML.Inversion.Onnx.Operators;

namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// LayerNormalization as exporters before opset 17 write it: m = ReduceMean(x), d = x − m, v = ReduceMean(d²),
/// (d / √(v + ε)) · γ + β over the trailing axes. One fused layer_norm instead of nine passes over the tensor
/// (ConvNeXt, ViT and Swin run one or two per block); the same function, so input gradients stay exact up to rounding.
/// </summary>
internal static class LayerNormalizationFusion
{
    public const string Kind = "LayerNormalization";

    public static IEnumerable<NodeFusion> Find(GraphIndex graph)
    {
        for (int i = 0; i < graph.Nodes.Count; i++)
            if (!graph.IsClaimed(i) && TryMatch(graph, i) is { } fusion)
                yield return graph.Claim(fusion);
    }

    private static NodeFusion? TryMatch(GraphIndex graph, int meanIndex)
    {
        OnnxNode mean = graph.Nodes[meanIndex];
        if (mean.OpType != "ReduceMean" || mean.Outputs.Length != 1 || TrailingAxes(graph, mean) is not { } axes)
            return null;
        string x = mean.Inputs[0];
        if (graph.SoleReader(mean.Outputs[0], "Sub", out int subIndex) is not { } sub || sub.Inputs is not [var subX, var subMean]
            || subX != x || subMean != mean.Outputs[0])
            return null;
        string centred = sub.Outputs[0];
        IReadOnlyList<int> centredReaders = graph.Readers(centred);
        if (centredReaders.Count != 2)
            return null;
        // d² as Pow(d, 2), read only by the second mean; the other reader of d divides it by the deviation.
        int powIndex = centredReaders.FirstOrDefault(r => graph.Nodes[r] is { OpType: "Pow", Inputs: [var b, var e], Outputs.Length: 1 } && b == centred && graph.IsScalar(e, 2), -1);
        int divIndex = centredReaders.FirstOrDefault(r => r != powIndex && graph.Nodes[r] is { OpType: "Div", Inputs: [var n, _] } && n == centred, -1);
        if (powIndex < 0 || divIndex < 0 || graph.IsClaimed(powIndex) || graph.IsClaimed(divIndex))
            return null;
        if (graph.SoleReader(graph.Nodes[powIndex].Outputs[0], "ReduceMean", out int varianceIndex) is not { } variance
            || !axes.SequenceEqual(TrailingAxes(graph, variance) ?? []))
            return null;
        if (graph.SoleReader(variance.Outputs[0], "Add", out int addEpsilonIndex) is not { } addEpsilon
            || GraphIndex.Other(addEpsilon, variance.Outputs[0]) is not { } epsilonName || graph.Scalar(epsilonName) is not { } epsilon)
            return null;
        if (graph.SoleReader(addEpsilon.Outputs[0], "Sqrt", out int sqrtIndex) is not { } sqrt
            || graph.SoleReader(sqrt.Outputs[0], "Div", out int divCheck) is not { } div || divCheck != divIndex || div.Inputs[1] != sqrt.Outputs[0])
            return null;
        // The affine part: γ is required (LayerNormalization's Scale), β is taken when it follows.
        if (graph.SoleReader(div.Outputs[0], "Mul", out int scaleIndex) is not { } scale || GraphIndex.Other(scale, div.Outputs[0]) is not { } gamma)
            return null;
        var members = new List<int> { meanIndex, subIndex, powIndex, varianceIndex, addEpsilonIndex, sqrtIndex, divIndex, scaleIndex };
        string output = scale.Outputs[0];
        var inputs = new List<string> { x, gamma };
        if (graph.SoleReader(output, "Add", out int shiftIndex) is { } shift && GraphIndex.Other(shift, output) is { } beta)
        {
            members.Add(shiftIndex);
            inputs.Add(beta);
            output = shift.Outputs[0];
        }
        members.Sort();
        OnnxNode last = graph.Nodes[members[^1]];
        return new NodeFusion(Kind, members.ToArray(),
            OnnxNode.Synthetic(last, "LayerNormalization", last.Name, inputs.ToArray(), output, ("axis", axes[0]), ("epsilon", (float)epsilon)));
    }

    /// <summary>The axes of a keep-dimensions ReduceMean when they are the last ones, written negative (-k … -1); null otherwise.</summary>
    private static long[]? TrailingAxes(GraphIndex graph, OnnxNode mean)
    {
        if (mean.Int("keepdims", 1) == 0)
            return null;
        long[]? axes = mean.Ints("axes");
        if (axes is null && mean.Inputs.Length > 1 && graph.Constant(mean.Inputs[1]) is { } axesInput)
            axes = OperatorHelpers.Longs(axesInput);
        if (axes is null || axes.Length == 0)
            return null;
        long[] sorted = axes.Order().ToArray();
        for (int k = 0; k < sorted.Length; k++)
            if (sorted[k] != k - sorted.Length)
                return null;
        return sorted;
    }
}

namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// x · sigmoid(x) (SiLU, EfficientNet's activation) and x · HardSigmoid(x) with α = 1/6, β = ½ (HardSwish as exporters
/// write it before opset 14): one fused silu or hardswish instead of two passes, forward and backward.
/// </summary>
internal static class SwishFusion
{
    public const string SiluKind = "Silu";

    public const string HardSwishKind = "HardSwish";

    /// <summary>The internal operator a fused SiLU runs (ONNX has none before opset 24's Swish).</summary>
    public const string SiluOpType = "Silu";

    public static IEnumerable<NodeFusion> Find(GraphIndex graph)
    {
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            OnnxNode gate = graph.Nodes[i];
            bool sigmoid = gate.OpType == "Sigmoid";
            bool hard = gate.OpType == "HardSigmoid" && Math.Abs(gate.Float("alpha", 0.2f) - 1 / 6.0) < 1e-6 && Math.Abs(gate.Float("beta", 0.5f) - 0.5) < 1e-6;
            if (!(sigmoid || hard) || graph.IsClaimed(i) || gate.Inputs.Length != 1 || gate.Outputs.Length != 1)
                continue;
            string x = gate.Inputs[0];
            if (graph.SoleReader(gate.Outputs[0], "Mul", out int mulIndex) is not { } mul || GraphIndex.Other(mul, gate.Outputs[0]) != x)
                continue;
            yield return graph.Claim(new NodeFusion(sigmoid ? SiluKind : HardSwishKind, [i, mulIndex],
                OnnxNode.Synthetic(mul, sigmoid ? SiluOpType : "HardSwish", mul.Name, [x], mul.Outputs[0])));
        }
    }
}

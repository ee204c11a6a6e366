namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// A MatMul by a constant matrix followed by the Add of a bias vector (how exporters write a Linear layer on inputs
/// of rank 3 or more): one GEMM with the bias as its accumulator, instead of a GEMM and a pass over its output.
/// </summary>
internal static class MatMulBiasFusion
{
    public const string Kind = "MatMul+Add";

    /// <summary>The internal operator the fused node runs (not an ONNX operator; see <see cref="Operators.LinearOperators.MatMulAdd"/>).</summary>
    public const string OpType = "MatMul+Add";

    public static IEnumerable<NodeFusion> Find(GraphIndex graph)
    {
        for (int i = 0; i < graph.Nodes.Count; i++)
            if (graph.Nodes[i] is { OpType: "MatMul", Inputs: [var a, var b], Outputs: [var product] } && !graph.IsClaimed(i)
                && graph.Constant(b) is { } weight && weight.dim() == 2
                && graph.SoleReader(product, "Add", out int addIndex) is { } add && GraphIndex.Other(add, product) is { } biasName
                && graph.Constant(biasName) is { } bias && bias.dim() == 1 && bias.shape[0] == weight.shape[1] && bias.dtype == weight.dtype)
            {
                yield return graph.Claim(new NodeFusion(Kind, [i, addIndex],
                    OnnxNode.Synthetic(add, OpType, add.Name, [a, graph.ConstantName(b)!, graph.ConstantName(biasName)!], add.Outputs[0])));
            }
    }
}

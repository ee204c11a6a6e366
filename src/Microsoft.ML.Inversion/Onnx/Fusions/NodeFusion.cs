namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// Graph nodes that run as one fused node: a folded BatchNormalization, a decomposed LayerNormalization or GELU, a
/// MatMul with its bias. The fused node computes the last member's output; the other members' outputs are the
/// fusion's internal values, read by members alone and never graph outputs.
/// </summary>
/// <remarks>
/// Internal values stay addressable: an execution plan that asks for one runs the members as written instead.
/// </remarks>
/// <param name="Kind">What was fused, as listed by <see cref="OnnxGraphModule.Fusions"/>.</param>
/// <param name="Members">The node indices fused, ascending (execution order); the last one's output is the fusion's output.</param>
/// <param name="Fused">The node that replaces them, run where the last member ran.</param>
internal sealed record NodeFusion(string Kind, int[] Members, OnnxNode Fused)
{
    /// <summary>The member whose output the fused node computes, and whose place in the plan it takes.</summary>
    public int Anchor => Members[^1];
}

using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx.Fusions;

/// <summary>
/// Folds an inference BatchNormalization into the convolution before it. The backbone is frozen, so
/// BN(conv(x, W, b)) = conv(x, W·s, (b − mean)·s + β) with s = γ / √(var + ε) per output channel: one convolution
/// instead of a convolution and a pass over its output, forward and backward. The fold is the same linear map of x,
/// so gradients with respect to the input stay exact (up to float rounding).
/// </summary>
/// <remarks>
/// A pair is folded only where it changes nothing else: the convolution's weights, bias and the normalisation's
/// statistics are constants, the convolution's output is read by the normalisation alone and is not a graph output.
/// The convolution's own output stays addressable: an execution plan that asks for it runs the pair unfolded.
/// </remarks>
internal static class BatchNormFolding
{
    public const string Kind = "BatchNormalization into Conv";

    /// <summary>
    /// Finds the foldable pairs and computes their fused weights, registered through <paramref name="addConstant"/>
    /// (which names them and returns the value name).
    /// </summary>
    public static IEnumerable<NodeFusion> Find(GraphIndex graph, Func<string, Tensor, string> addConstant)
    {
        for (int n = 0; n < graph.Nodes.Count; n++)
        {
            OnnxNode norm = graph.Nodes[n];
            if (norm.OpType != "BatchNormalization" || norm.Inputs.Length < 5 || norm.Outputs.Count(o => o.Length > 0) != 1
                || norm.Outputs[0].Length == 0 || norm.Int("spatial", 1) == 0 || norm.Int("training_mode", 0) != 0 || graph.IsClaimed(n))
                continue;
            string convOutput = norm.Inputs[0];
            if (graph.ProducerOf(convOutput, "Conv", out int c) is not { } conv || graph.Readers(convOutput).Count != 1 || conv.Inputs.Length < 2)
                continue;
            if (graph.Constant(conv.Inputs[1]) is not { } weight || !weight.is_floating_point() || weight.dim() < 3)
                continue;
            Tensor?[] statistics = norm.Inputs.Skip(1).Take(4).Select(graph.Constant).ToArray();
            if (statistics.Any(t => t is null || !t.is_floating_point()))
                continue;
            Tensor? bias = null;
            bool hasBias = conv.Inputs.Length > 2 && conv.Inputs[2].Length > 0;
            if (hasBias && ((bias = graph.Constant(conv.Inputs[2])) is null || !bias.is_floating_point()))
                continue;
            long channels = weight.shape[0];
            if (statistics.Any(t => t!.numel() != channels) || (bias is not null && bias.numel() != channels))
                continue;

            var (fusedWeight, fusedBias) = Compute(weight, bias, statistics[0]!, statistics[1]!, statistics[2]!, statistics[3]!, norm.Float("epsilon", 1e-5f));
            string weightName = addConstant($"{convOutput}/folded_weight", fusedWeight);
            string biasName = addConstant($"{convOutput}/folded_bias", fusedBias);
            yield return graph.Claim(new NodeFusion(Kind, [c, n], conv.With([conv.Inputs[0], weightName, biasName], [norm.Outputs[0]])));
        }
    }

    /// <summary>The fused weight and bias, computed in float64 and returned in the weight's type and device.</summary>
    internal static (Tensor Weight, Tensor Bias) Compute(Tensor weight, Tensor? bias, Tensor scale, Tensor shift, Tensor mean, Tensor variance, double epsilon)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor s = scale.to_type(ScalarType.Float64) / (variance.to_type(ScalarType.Float64) + epsilon).sqrt();
        long[] perChannel = [weight.shape[0], .. Enumerable.Repeat(1L, (int)weight.dim() - 1)];
        Tensor w = (weight.to_type(ScalarType.Float64) * s.reshape(perChannel)).to_type(weight.dtype);
        Tensor b0 = bias?.to_type(ScalarType.Float64) ?? zeros_like(s);
        Tensor b = ((b0 - mean.to_type(ScalarType.Float64)) * s + shift.to_type(ScalarType.Float64)).to_type(weight.dtype);
        return (w.contiguous().MoveToOuterDisposeScope(), b.contiguous().MoveToOuterDisposeScope());
    }
}

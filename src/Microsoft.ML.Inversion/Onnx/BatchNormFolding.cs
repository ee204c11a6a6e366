using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Onnx;

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
    /// <summary>A folded pair: the convolution node, the normalisation node, and the fused node that replaces both.</summary>
    public sealed record Fold(int Convolution, int Normalization, OnnxNode Fused);

    /// <summary>
    /// Finds the foldable pairs of <paramref name="nodes"/> and computes their fused weights, registered through
    /// <paramref name="addConstant"/> (which names them and returns the value name).
    /// </summary>
    public static Dictionary<int, Fold> Find(IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, Tensor> constants,
        IReadOnlyCollection<string> graphOutputs, Func<string, Tensor, string> addConstant)
    {
        var readers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (string input in nodes[i].Inputs.Where(n => n.Length > 0))
                (readers.TryGetValue(input, out var list) ? list : readers[input] = []).Add(i);
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (string output in nodes[i].Outputs.Where(o => o.Length > 0))
                producer[output] = i;

        var folds = new Dictionary<int, Fold>();
        for (int n = 0; n < nodes.Count; n++)
        {
            OnnxNode norm = nodes[n];
            if (norm.OpType != "BatchNormalization" || norm.Inputs.Length < 5 || norm.Outputs.Count(o => o.Length > 0) != 1
                || norm.Outputs[0].Length == 0 || norm.Int("spatial", 1) == 0 || norm.Int("training_mode", 0) != 0)
                continue;
            string convOutput = norm.Inputs[0];
            if (!producer.TryGetValue(convOutput, out int c) || nodes[c] is not { OpType: "Conv" } conv
                || readers[convOutput].Count != 1 || graphOutputs.Contains(convOutput)
                || conv.Inputs.Length < 2 || conv.Outputs.Length != 1)
                continue;
            if (!TryConstant(constants, conv.Inputs[1], out Tensor? weight) || weight.dim() < 3
                || !norm.Inputs.Skip(1).Take(4).All(i => constants.ContainsKey(i)))
                continue;
            Tensor? bias = null;
            if (conv.Inputs.Length > 2 && conv.Inputs[2].Length > 0 && !TryConstant(constants, conv.Inputs[2], out bias))
                continue;
            long channels = weight.shape[0];
            Tensor[] statistics = norm.Inputs.Skip(1).Take(4).Select(i => constants[i]).ToArray();
            if (statistics.Any(t => t.numel() != channels) || (bias is not null && bias.numel() != channels))
                continue;

            var (fusedWeight, fusedBias) = Compute(weight, bias, statistics[0], statistics[1], statistics[2], statistics[3], norm.Float("epsilon", 1e-5f));
            string weightName = addConstant($"{convOutput}/folded_weight", fusedWeight);
            string biasName = addConstant($"{convOutput}/folded_bias", fusedBias);
            folds[c] = new Fold(c, n, conv.With([conv.Inputs[0], weightName, biasName], [norm.Outputs[0]]));
        }
        return folds;
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

    private static bool TryConstant(IReadOnlyDictionary<string, Tensor> constants, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tensor? value) =>
        constants.TryGetValue(name, out value) && value.is_floating_point();
}

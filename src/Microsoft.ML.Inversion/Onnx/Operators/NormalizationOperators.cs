using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// BatchNormalization (inference form), LayerNormalization, InstanceNormalization, LRN, Softmax and LogSoftmax.
/// </summary>
internal static class NormalizationOperators
{
    public static Tensor[] BatchNormalization(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        Tensor scale = inputs.Required(node, 1), bias = inputs.Required(node, 2);
        Tensor mean = inputs.Required(node, 3), variance = inputs.Required(node, 4);
        if (node.Int("spatial", 1) == 0)
            throw node.Error("spatial=0 (per-activation statistics) is not supported.");
        double epsilon = node.Float("epsilon", 1e-5f);
        return [F.batch_norm(x, mean, variance, scale, bias, training: false, eps: epsilon)];
    }

    /// <summary>
    /// LayerNormalization (opset 17): normalises over the dimensions from axis on, then scales and shifts with
    /// Scale and B broadcast onto them. The optional Mean and InvStdDev outputs are given too.
    /// </summary>
    public static Tensor[] LayerNormalization(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0), scale = inputs.Required(node, 1);
        Tensor? bias = inputs.Optional(2);
        long rank = x.dim();
        long axis = OperatorHelpers.Axis(node.Int("axis", -1), rank);
        if (axis < 0 || axis >= rank)
            throw node.Error($"axis {node.Int("axis", -1)} does not fit an input of rank {rank}.");
        double epsilon = node.Float("epsilon", 1e-5f);
        long[] dims = Enumerable.Range((int)axis, (int)(rank - axis)).Select(d => (long)d).ToArray();
        if (node.Outputs.Skip(1).All(o => o.Length == 0))
        {
            // Only Y is read: libtorch's own layer_norm, one pass forward and backward. Its weight and bias must have
            // the normalised shape exactly; any other broadcastable Scale or B is applied after it.
            long[] normalized = x.shape[(int)axis..];
            bool exactScale = scale.shape.SequenceEqual(normalized), exactBias = bias is null || bias.shape.SequenceEqual(normalized);
            Tensor normalised = F.layer_norm(x, normalized, exactScale ? scale : null, exactScale && exactBias ? bias : null, epsilon);
            if (!exactScale)
                normalised = normalised * scale;
            if (bias is not null && !(exactScale && exactBias))
                normalised = normalised + bias;
            return [normalised];
        }
        Tensor mean = x.mean(dims, keepdim: true);
        Tensor centred = x - mean;
        Tensor inverseStd = (centred.square().mean(dims, keepdim: true) + epsilon).rsqrt();
        Tensor y = centred * inverseStd * scale;
        if (bias is not null)
            y = y + bias;
        return [y, mean, inverseStd];
    }

    /// <summary>InstanceNormalization: each sample's channel normalised over its spatial positions, then scale and B per channel.</summary>
    public static Tensor[] InstanceNormalization(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0), scale = inputs.Required(node, 1), bias = inputs.Required(node, 2);
        if (x.dim() < 3)
            throw node.Error($"the input has rank {x.dim()}; expected [N, C, spatial...].");
        double epsilon = node.Float("epsilon", 1e-5f);
        long[] spatial = Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d).ToArray();
        long[] perChannel = [x.shape[1], .. Enumerable.Repeat(1L, spatial.Length)];
        Tensor centred = x - x.mean(spatial, keepdim: true);
        Tensor normalised = centred * (centred.square().mean(spatial, keepdim: true) + epsilon).rsqrt();
        return [normalised * scale.reshape(perChannel) + bias.reshape(perChannel)];
    }

    /// <summary>
    /// ONNX LRN: y = x / (bias + alpha/size · Σ x²)^beta over channels [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉].
    /// Written out because torch's local_response_norm places the window differently for even sizes.
    /// </summary>
    public static Tensor[] Lrn(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long size = node.Int("size", 0);
        if (size <= 0)
            throw node.Error("size is required and must be positive.");
        double alpha = node.Float("alpha", 1e-4f), beta = node.Float("beta", 0.75f), bias = node.Float("bias", 1f);
        long front = (size - 1) / 2, back = size - 1 - front;
        Tensor squares = (x * x).unsqueeze(1);
        Tensor padded = F.pad(squares, [0, 0, 0, 0, front, back]);
        Tensor average = F.avg_pool3d(padded, [size, 1, 1], [1, 1, 1]).squeeze(1);
        return [x / (average * alpha + bias).pow(beta)];
    }

    public static Tensor[] Softmax(OnnxNode node, Tensor?[] inputs) => SoftmaxLike(node, inputs, (t, d) => t.softmax(d));

    public static Tensor[] LogSoftmax(OnnxNode node, Tensor?[] inputs) => SoftmaxLike(node, inputs, (t, d) => t.log_softmax(d));

    private static Tensor[] SoftmaxLike(OnnxNode node, Tensor?[] inputs, Func<Tensor, long, Tensor> normalise)
    {
        Tensor x = inputs.Required(node, 0);
        long rank = x.dim();
        if (node.Opset >= 13)
            return [normalise(x, OperatorHelpers.Axis(node.Int("axis", -1), rank))];
        // Before opset 13, Softmax flattens the input to 2-D at axis and normalises each row.
        long axis = OperatorHelpers.Axis(node.Int("axis", 1), rank);
        long rows = x.shape[..(int)axis].Aggregate(1L, (p, d) => p * d);
        return [normalise(x.reshape(rows, -1), 1).reshape(x.shape)];
    }
}

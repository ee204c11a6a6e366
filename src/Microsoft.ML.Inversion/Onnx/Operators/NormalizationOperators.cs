using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>BatchNormalization (inference form), LRN and Softmax.</summary>
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

    public static Tensor[] Softmax(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long rank = x.dim();
        if (node.Opset >= 13)
            return [x.softmax(OperatorHelpers.Axis(node.Int("axis", -1), rank))];
        // Before opset 13, Softmax flattens the input to 2-D at axis and normalises each row.
        long axis = OperatorHelpers.Axis(node.Int("axis", 1), rank);
        long rows = x.shape[..(int)axis].Aggregate(1L, (p, d) => p * d);
        return [x.reshape(rows, -1).softmax(1).reshape(x.shape)];
    }
}

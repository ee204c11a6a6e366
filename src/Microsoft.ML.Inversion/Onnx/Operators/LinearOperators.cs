using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>Conv, Gemm and MatMul.</summary>
internal static class LinearOperators
{
    public static Tensor[] Conv(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0), weight = inputs.Required(node, 1);
        Tensor? bias = inputs.Optional(2);
        if (WeightProblem(node.Inputs[1], weight.shape) is { } problem)
            throw node.Error(problem);
        int spatial = (int)x.dim() - 2;
        if (spatial != 2 && spatial != 1)
            throw node.Error($"only 1-D and 2-D convolutions are supported; the input has {spatial} spatial dimensions.");
        long[] kernel = node.Ints("kernel_shape") ?? weight.shape[2..];
        long[] strides = node.Ints("strides") ?? Enumerable.Repeat(1L, spatial).ToArray();
        long[] dilations = node.Ints("dilations") ?? Enumerable.Repeat(1L, spatial).ToArray();
        long group = node.Int("group", 1);
        var padding = SpatialPadding.Resolve(node, x.shape[2..], kernel, strides, dilations);

        long[] symmetric = padding.Begin;
        if (!padding.IsSymmetric)
        {
            x = F.pad(x, padding.ForTorchPad());
            symmetric = new long[spatial];
        }
        Tensor y = spatial == 2
            ? F.conv2d(x, weight, bias, strides, symmetric, dilations, group)
            : F.conv1d(x, weight, bias, strides[0], symmetric[0], dilations[0], group);
        return [y];
    }

    /// <summary>What is wrong with a convolution weight of this shape, or null when it can be used.</summary>
    public static string? WeightProblem(string weightName, IReadOnlyList<long> shape) =>
        shape.Count < 3 || shape.Any(d => d <= 0)
            ? $"the weight '{weightName}' has shape [{string.Join(", ", shape)}]; expected [output channels, input channels / group, kernel...] with every size positive."
            : null;

    public static Tensor[] Gemm(OnnxNode node, Tensor?[] inputs)
    {
        Tensor a = inputs.Required(node, 0), b = inputs.Required(node, 1);
        Tensor? c = inputs.Optional(2);
        if (node.Int("transA", 0) != 0) a = a.t();
        if (node.Int("transB", 0) != 0) b = b.t();
        Tensor y = a.matmul(b);
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        if (alpha != 1f) y = y * alpha;
        if (c is not null) y = y + (beta == 1f ? c : c * beta);
        return [y];
    }

    public static Tensor[] MatMul(OnnxNode node, Tensor?[] inputs) =>
        [inputs.Required(node, 0).matmul(inputs.Required(node, 1))];
}

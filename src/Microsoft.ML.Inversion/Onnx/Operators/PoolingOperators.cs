using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.</summary>
internal static class PoolingOperators
{
    private static (long[] Kernel, long[] Strides, long[] Dilations, SpatialPadding Padding) Geometry(OnnxNode node, Tensor x)
    {
        if (x.dim() != 4)
            throw node.Error($"only 2-D pooling over NCHW input is supported; the input has rank {x.dim()}.");
        long[] kernel = node.Ints("kernel_shape") ?? throw node.Error("kernel_shape is required.");
        long[] strides = node.Ints("strides") ?? [1, 1];
        long[] dilations = node.Ints("dilations") ?? [1, 1];
        return (kernel, strides, dilations, SpatialPadding.Resolve(node, x.shape[2..], kernel, strides, dilations));
    }

    public static Tensor[] MaxPool(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        var (kernel, strides, dilations, padding) = Geometry(node, x);
        if (node.Outputs.Length > 1 && !string.IsNullOrEmpty(node.Outputs[1]))
            throw node.Error("the Indices output of MaxPool is not supported.");
        // Padding takes no part in a max: pad with -inf explicitly, which also covers asymmetric pads.
        if (!padding.IsZero)
            x = F.pad(x, padding.ForTorchPad(), value: double.NegativeInfinity);
        bool ceil = node.Int("ceil_mode", 0) != 0;
        return [F.max_pool2d(x, kernel, strides, [0, 0], dilations, ceil)];
    }

    public static Tensor[] AveragePool(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        var (kernel, strides, _, padding) = Geometry(node, x);
        bool ceil = node.Int("ceil_mode", 0) != 0;
        if (padding.IsZero)
            return [F.avg_pool2d(x, kernel, strides, ceil_mode: ceil)];
        Tensor padded = F.pad(x, padding.ForTorchPad());
        Tensor sum = F.avg_pool2d(padded, kernel, strides, ceil_mode: ceil);
        if (node.Int("count_include_pad", 0) != 0)
            return [sum];
        // Exclude the padded cells from each window's count: divide by the average of a padded ones-mask.
        using Tensor mask = F.pad(ones(1, 1, x.shape[2], x.shape[3], dtype: x.dtype, device: x.device), padding.ForTorchPad());
        using Tensor share = F.avg_pool2d(mask, kernel, strides, ceil_mode: ceil);
        return [sum / share];
    }

    public static Tensor[] GlobalAveragePool(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] spatial = Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d).ToArray();
        return [x.mean(spatial, keepdim: true)];
    }

    public static Tensor[] GlobalMaxPool(OnnxNode node, Tensor?[] inputs)
    {
        Tensor x = inputs.Required(node, 0);
        long[] spatial = Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d).ToArray();
        return [x.amax(spatial, keepdim: true)];
    }
}

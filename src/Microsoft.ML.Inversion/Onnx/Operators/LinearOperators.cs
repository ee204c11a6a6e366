using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>Conv, ConvTranspose, Gemm, MatMul and Einsum.</summary>
internal static class LinearOperators
{
    public static Tensor[] Conv(OnnxNode node, Tensor?[] inputs)
    {
        var (x, weight, bias, spatial, kernel, strides, dilations, group) = ConvolutionArguments.Read(node, inputs, "convolutions");
        var padding = SpatialPadding.Resolve(node, x.shape[2..], kernel, strides, dilations);

        long[] symmetric = padding.Begin;
        if (!padding.IsSymmetric)
        {
            x = F.pad(x, padding.ForTorchPad());
            symmetric = new long[spatial];
        }
        if (spatial == 2)
            return [CpuConvolution.Conv2d(x, weight, bias, strides, symmetric, dilations, group)];
        // 1-D as 2-D of height 1, so that it takes the same route.
        return [CpuConvolution.Conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, [1, strides[0]], [0, symmetric[0]], [1, dilations[0]], group).squeeze(2)];
    }

    /// <summary>Conv that first turns a channels-last input of at most <paramref name="minimumArea"/> positions back to the default layout.</summary>
    public static OnnxOperator ConvFor(int minimumArea) => (node, inputs) =>
    {
        // Channels-last strides: the channel index moves fastest.
        if (inputs.Length > 0 && inputs[0] is { } x && x.dim() == 4 && x.shape[2] * x.shape[3] <= minimumArea && x.shape[1] > 1 && x.stride(1) == 1)
        {
            var copy = (Tensor?[])inputs.Clone();
            copy[0] = x.contiguous();
            return Conv(node, copy);
        }
        return Conv(node, inputs);
    };

    /// <summary>
    /// ConvTranspose (1-D and 2-D). The transposed convolution runs without padding and its result is cropped to
    /// the ONNX output: begin pads off the front, end pads off the back, output_padding (or output_shape) adding
    /// rows at the back that only the bias reaches. That covers asymmetric pads, which torch cannot take.
    /// </summary>
    public static Tensor[] ConvTranspose(OnnxNode node, Tensor?[] inputs)
    {
        var (x, weight, bias, spatial, kernel, strides, dilations, group) = ConvolutionArguments.Read(node, inputs, "transposed convolutions");
        long[] outputPadding = node.Ints("output_padding") ?? new long[spatial];
        if (kernel.Length != spatial || strides.Length != spatial || dilations.Length != spatial || outputPadding.Length != spatial)
            throw node.Error($"kernel_shape, strides, dilations and output_padding need {spatial} values each.");

        // The full (unpadded) output of each spatial dimension, and the ONNX output size and begin crop.
        var full = new long[spatial];
        var outSize = new long[spatial];
        var begin = new long[spatial];
        long[]? outputShape = node.Ints("output_shape");
        string autoPad = node.String("auto_pad", "NOTSET");
        long[] pads = node.Ints("pads") ?? new long[2 * spatial];
        if (pads.Length != 2 * spatial)
            throw node.Error($"pads has {pads.Length} values; expected {2 * spatial}.");
        for (int d = 0; d < spatial; d++)
        {
            long inSize = x.shape[2 + d];
            full[d] = (inSize - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1;
            if (outputShape is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                // The total padding follows from the output size; as the ONNX spec (and ONNX Runtime) say, SAME_UPPER puts
                // the odd one at the back, SAME_LOWER and an explicit output_shape at the front.
                outSize[d] = outputShape is not null ? outputShape[outputShape.Length - spatial + d] : inSize * strides[d];
                long total = full[d] + outputPadding[d] - outSize[d];
                begin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            }
            else if (autoPad is "NOTSET" or "VALID")
            {
                long b = autoPad == "VALID" ? 0 : pads[d], e = autoPad == "VALID" ? 0 : pads[spatial + d];
                outSize[d] = full[d] + outputPadding[d] - b - e;
                begin[d] = b;
            }
            else
                throw node.Error($"auto_pad '{autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID.");
            if (outSize[d] <= 0)
                throw node.Error($"the output would have size {outSize[d]} in spatial dimension {d}.");
        }

        Tensor y = spatial == 2
            ? TransposedConvolution.Full2d(x, weight, strides, dilations, group)
            : TransposedConvolution.Full2d(x.unsqueeze(2), weight.unsqueeze(2), [1, strides[0]], [1, dilations[0]], group).squeeze(2);
        // Crop (or, where the output reaches past the full result, extend with zeros) each spatial dimension.
        var torchPad = new long[2 * spatial];
        for (int d = 0; d < spatial; d++)
        {
            int fromLast = spatial - 1 - d;
            torchPad[2 * fromLast] = -begin[d];
            torchPad[2 * fromLast + 1] = begin[d] + outSize[d] - full[d];
        }
        if (torchPad.Any(p => p != 0))
            y = F.pad(y, torchPad);
        if (bias is not null)
            y = y + bias.reshape([bias.shape[0], .. Enumerable.Repeat(1L, spatial)]);
        return [y];
    }

    /// <summary>Einsum with torch's einsum (spaces, which some exporters write, are dropped).</summary>
    public static Tensor[] Einsum(OnnxNode node, Tensor?[] inputs)
    {
        string equation = node.String("equation", "").Replace(" ", "", StringComparison.Ordinal);
        if (equation.Length == 0)
            throw node.Error("the equation attribute is required.");
        Tensor[] operands = inputs.Select((_, i) => inputs.Required(node, i)).ToArray();
        return [einsum(equation, operands)];
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

    public static Tensor[] MatMul(OnnxNode node, Tensor?[] inputs)
    {
        Tensor a = inputs.Required(node, 0), b = inputs.Required(node, 1);
        if (a.dim() < 3 || b.dim() != 2 || !LeadingDimensionsFlatten(a))
            return [a.matmul(b)];
        // Rows times one matrix is one GEMM. libtorch's matmul folds the leading dimensions into the rows only when
        // their strides are contiguous literally, size-1 dimensions included, so a view such as attention's
        // sequence-first [tokens, 1, dim] (transposed from [1, tokens, dim]) runs as one matrix-vector product per
        // token instead: 3× slower on ViT-B/16's QKV projection at batch 1. The view here is the same without a copy.
        long[] shape = a.shape;
        long[] outputShape = [.. shape[..^1], b.shape[1]];
        return [a.reshape(-1, shape[^1]).mm(b).reshape(outputShape)];
    }

    /// <summary>
    /// MatMul by a matrix followed by the Add of a bias vector (a fusion the importer makes, see
    /// <c>MatMulBiasFusion</c>): inputs A, B [K, N], bias [N]. Where A's rows collapse without a copy it is one GEMM
    /// that starts from the bias (addmm); otherwise matmul, then the bias.
    /// </summary>
    public static Tensor[] MatMulAdd(OnnxNode node, Tensor?[] inputs)
    {
        Tensor a = inputs.Required(node, 0), b = inputs.Required(node, 1), bias = inputs.Required(node, 2);
        if (a.dim() < 2 || !LeadingDimensionsFlatten(a))
            return [a.matmul(b) + bias];
        long[] shape = a.shape;
        long[] outputShape = [.. shape[..^1], b.shape[1]];
        return [addmm(bias, a.reshape(-1, shape[^1]), b, 1, 1).reshape(outputShape)];
    }

    /// <summary>Whether all dimensions but the last collapse into one without a copy (size-1 dimensions ignored).</summary>
    private static bool LeadingDimensionsFlatten(Tensor a)
    {
        long[] size = a.shape, stride = a.stride();
        long expected = -1;
        for (int i = size.Length - 2; i >= 0; i--)
        {
            if (size[i] == 1)
                continue;
            if (expected != -1 && stride[i] != expected)
                return false;
            expected = stride[i] * size[i];
        }
        return true;
    }

    /// <summary>The inputs and attributes Conv and ConvTranspose share, checked the same way.</summary>
    private sealed record ConvolutionArguments(Tensor X, Tensor Weight, Tensor? Bias, int Spatial, long[] Kernel, long[] Strides, long[] Dilations, long Group)
    {
        public static ConvolutionArguments Read(OnnxNode node, Tensor?[] inputs, string what)
        {
            Tensor x = inputs.Required(node, 0), weight = inputs.Required(node, 1);
            if (WeightProblem(node.Inputs[1], weight.shape) is { } problem)
                throw node.Error(problem);
            int spatial = (int)x.dim() - 2;
            if (spatial != 2 && spatial != 1)
                throw node.Error($"only 1-D and 2-D {what} are supported; the input has {spatial} spatial dimensions.");
            return new(x, weight, inputs.Optional(2), spatial,
                node.Ints("kernel_shape") ?? weight.shape[2..],
                node.Ints("strides") ?? Enumerable.Repeat(1L, spatial).ToArray(),
                node.Ints("dilations") ?? Enumerable.Repeat(1L, spatial).ToArray(),
                node.Int("group", 1));
        }
    }
}

using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Backbones;

/// <summary>
/// 2-D convolution that computes the channel counts libtorch's oneDNN kernels got wrong on the CPU as a matrix product
/// over the unfolded input (native im2col and BLAS), wide 1×1 convolutions in the default layout at stride 1 (on the
/// pixels they read), and every other convolution with libtorch's own kernel.
/// </summary>
/// <remarks>
/// On a 2-core AMD EPYC VM (AVX-512 with BF16, libtorch 2.10 with oneDNN 3.7.1, 2026-12-07) libtorch computed 426 of
/// 5,640 float32 convolutions wrong against float64 (kernels 1/3/5, strides 1/2, groups 1/2/4 and depthwise, 3–240
/// channels, both memory layouts; relative errors 0.01–0.8, or NaN; capping oneDNN at AVX2 still left 26): NCHW kernels
/// larger than 1×1 where a group's input or output channels are not a multiple of 32 (a 32→3 layer's input gradient, a
/// 24→24 layer's output, a stride-2 48→64 layer's input gradient), and channels-last 1×1 kernels with 40, 80 or 112
/// outputs: the counts whose blocks oneDNN pads. Depthwise convolutions, a first layer of at most 4 input channels
/// into a multiple of 32, and every count that is a multiple of 32 (ResNets) were right in every case, so they keep
/// libtorch's kernel and its speed; the rest take the matrix product, and none of the 5,640 is then wrong
/// (<c>./build.sh bench --convolution-scan</c>, docs/convolution-scan.md). Reduced-precision inputs take the product in
/// float32. On the same VM the backward pass of ResNet-50's and ResNet-152's stride-2 1×1 downsampling convolutions
/// killed the process with an integer division by zero in oneDNN's blocking heuristic
/// (<c>brg_blocking_t::est_eff_1x1</c>; the VM reports no cache sizes): 512→1024 on 28×28 and 14×14, 256→1024 on 28×28,
/// 1024→2048 on 14×14, while 256→512, 384→1024, 512→512, 512→768 and 1024→1024 passed and every stride-1 1×1 in the
/// default layout passed. In channels-last the same division by zero killed stride-1 1×1 convolutions too (2026-12-08:
/// 256→1024, 512→1024, 512→2048 and 1024→2048 on 7×7 to 56×56, forward or backward; none with 576 or 768 outputs,
/// none in the default layout), which the optimisation's layout per operator reaches on ResNet-50-like graphs at input
/// sizes above 224. 1×1 convolutions with more than 512 outputs therefore run at stride 1 on the pixels they read, in
/// the default layout (the same convolution); ResNet18's (at most 512 outputs) keep libtorch's kernel.
/// </remarks>
internal static class CpuConvolution
{
    /// <summary>Channel counts per group that are multiples of this keep libtorch's kernel.</summary>
    public const long SafeChannelMultiple = 32;

    /// <summary>The most input channels of a first layer that keeps libtorch's kernel (when its outputs are a safe multiple).</summary>
    public const long FirstLayerChannels = 4;

    /// <summary>Whether a convolution from <paramref name="inputChannels"/> to <paramref name="outputChannels"/> in <paramref name="groups"/> groups is computed as a matrix product on <paramref name="device"/>.</summary>
    public static bool UsesMatrixProduct(Device device, long inputChannels, long outputChannels, long groups)
    {
        if (device.type != TorchSharp.DeviceType.CPU)
            return false;
        long inPerGroup = inputChannels / groups, outPerGroup = outputChannels / groups;
        bool depthwise = inPerGroup == 1 && outPerGroup == 1;
        bool safeInput = inPerGroup % SafeChannelMultiple == 0 || (groups == 1 && inputChannels <= FirstLayerChannels);
        return !depthwise && !(safeInput && outPerGroup % SafeChannelMultiple == 0);
    }

    /// <summary>1×1 convolutions with more outputs than this run in the default layout at stride 1 on the pixels they read.</summary>
    public const long WidePointwiseOutputs = 512;

    /// <summary>
    /// Whether <paramref name="input"/> is convolved by a 1×1, unpadded <paramref name="weight"/> with more than
    /// <see cref="WidePointwiseOutputs"/> outputs on the CPU, at a stride above 1 or in another layout than the
    /// default one: the convolutions oneDNN's blocking heuristic divided by zero on (see the class remarks).
    /// </summary>
    public static bool IsWidePointwiseToRewrite(Tensor input, Tensor weight, long[] strides, long[] padding) =>
        input.device.type == TorchSharp.DeviceType.CPU && weight.shape[2] == 1 && weight.shape[3] == 1 && weight.shape[0] > WidePointwiseOutputs
        && padding.All(p => p == 0) && (strides[0] > 1 || strides[1] > 1 || !input.is_contiguous());

    /// <summary>
    /// The convolution of <paramref name="input"/> [N, C, H, W] by <paramref name="weight"/> [O, C/groups, kH, kW]
    /// with symmetric <paramref name="padding"/>, as <c>conv2d</c> defines it (same values and gradients).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[] strides, long[] padding, long[] dilations, long groups)
    {
        if (IsWidePointwiseToRewrite(input, weight, strides, padding))
        {
            // A strided 1×1 convolution reads only every stride-th pixel: the same convolution at stride 1 on those,
            // in the default layout.
            Tensor sampled = input.slice(2, 0, input.shape[2], strides[0]).slice(3, 0, input.shape[3], strides[1]).contiguous();
            return Conv2d(sampled, weight, bias, [1, 1], padding, dilations, groups);
        }
        if (!UsesMatrixProduct(input.device, input.shape[1], weight.shape[0], groups))
            return F.conv2d(input, weight, bias, strides, padding, dilations, groups);

        using var scope = NewDisposeScope();
        ScalarType type = input.dtype;
        bool widen = type is ScalarType.BFloat16 or ScalarType.Float16;
        Tensor x = widen ? input.to_type(ScalarType.Float32) : input;
        Tensor w = widen ? weight.to_type(ScalarType.Float32) : weight;
        long n = x.shape[0], channels = x.shape[1], height = x.shape[2], width = x.shape[3];
        long outputs = w.shape[0], kh = w.shape[2], kw = w.shape[3];
        long outHeight = (height + 2 * padding[0] - dilations[0] * (kh - 1) - 1) / strides[0] + 1;
        long outWidth = (width + 2 * padding[1] - dilations[1] * (kw - 1) - 1) / strides[1] + 1;
        long patch = channels / groups * kh * kw;

        // [N, C·kH·kW, L] → [N, groups, patch, L]; the weights [groups, O/groups, patch] multiply each group's patches.
        Tensor columns = F.unfold(x, (kh, kw), dilation: (dilations[0], dilations[1]), padding: (padding[0], padding[1]), stride: (strides[0], strides[1]))
            .view(n, groups, patch, outHeight * outWidth);
        Tensor y = matmul(w.reshape(groups, outputs / groups, patch), columns).reshape(n, outputs, outHeight, outWidth);
        if (bias is not null)
            y = y + (widen ? bias.to_type(ScalarType.Float32) : bias).reshape(1, outputs, 1, 1);
        return (widen ? y.to_type(type) : y).MoveToOuterDisposeScope();
    }
}

using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Onnx.Operators;

/// <summary>
/// A 2-D transposed convolution written as an ordinary convolution over the input with zeros inserted between its
/// pixels (stride − 1 of them) and the kernel flipped, channels swapped per group. It is the same function and the same
/// gradient as libtorch's <c>conv_transpose2d</c>, whose CPU kernel returned wrong values and NaN on an AMD EPYC VM
/// with AVX-512 (relative error 0.32 against ONNX Runtime on the ConvTranspose test) for channel counts that oneDNN
/// pads; the convolution here takes <see cref="CpuConvolution"/>'s route. It does stride² the arithmetic of a direct
/// kernel; ONNX graphs rarely hold transposed convolutions.
/// </summary>
internal static class TransposedConvolution
{
    /// <summary>The full (unpadded) transposed convolution of <paramref name="x"/> [N, Cin, H, W] by
    /// <paramref name="weight"/> [Cin, Cout/groups, kH, kW]: [N, Cout, (H−1)·s + d·(kH−1) + 1, …], without bias.</summary>
    /// <param name="x">The input.</param>
    /// <param name="weight">The kernel, laid out as for <c>conv_transpose2d</c>.</param>
    /// <param name="strides">The strides (height, width).</param>
    /// <param name="dilations">The dilations (height, width).</param>
    /// <param name="groups">The groups.</param>
    public static Tensor Full2d(Tensor x, Tensor weight, long[] strides, long[] dilations, long groups)
    {
        long n = x.shape[0], channels = x.shape[1], h = x.shape[2], w = x.shape[3];
        long sh = strides[0], sw = strides[1];
        Tensor spread = x;
        if (sh > 1 || sw > 1)
        {
            // [N, C, H, 1, W, 1] padded to [N, C, H, sh, W, sw] puts each pixel first in a block of zeros.
            spread = F.pad(x.reshape(n, channels, h, 1, w, 1), [0, sw - 1, 0, 0, 0, sh - 1])
                .reshape(n, channels, h * sh, w * sw)[.., .., ..(int)((h - 1) * sh + 1), ..(int)((w - 1) * sw + 1)];
        }
        long inPerGroup = weight.shape[0] / groups, outPerGroup = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        Tensor kernel = weight.reshape(groups, inPerGroup, outPerGroup, kh, kw).transpose(1, 2)
            .reshape(groups * outPerGroup, inPerGroup, kh, kw).flip(2, 3);
        return CpuConvolution.Conv2d(spread, kernel, null, [1, 1], [dilations[0] * (kh - 1), dilations[1] * (kw - 1)], dilations, groups);
    }
}

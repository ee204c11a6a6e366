using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Onnx.Operators;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// One decoder stage: a 4×4 transposed convolution with stride 2 doubles the resolution, a 3×3 convolution refines,
/// each followed by a leaky ReLU (slope 0.2, as Dosovitskiy &amp; Brox's decoders).
/// </summary>
public sealed class UpBlock : Module<Tensor, Tensor>
{
    private readonly ConvTranspose2d _up;
    private readonly Conv2d _refine;

    /// <summary>Creates the stage.</summary>
    /// <param name="inputChannels">Channels in.</param>
    /// <param name="outputChannels">Channels out.</param>
    public UpBlock(int inputChannels, int outputChannels)
        : base(nameof(UpBlock))
    {
        _up = ConvTranspose2d(inputChannels, outputChannels, 4, stride: 2, padding: 1);
        _refine = Conv2d(outputChannels, outputChannels, 3, padding: 1);
        // Named explicitly, so state-dict keys read "up.weight", as in TorchVision, not after the fields.
        register_module("up", _up);
        register_module("refine", _refine);
    }

    /// <summary>[N, in, h, w] → [N, out, 2h, 2w].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor upsampled = functional.leaky_relu(Upsample(input), 0.2);
        return functional.leaky_relu(CpuConvolution.Conv2d(upsampled, _refine.weight!, _refine.bias, [1, 1], [1, 1], [1, 1], 1), 0.2).MoveToOuterDisposeScope();
    }

    // The 4×4, stride-2 transposed convolution; where libtorch's CPU kernel is unreliable for these channel counts
    // (see CpuConvolution), the same function as a convolution over the zero-spread input, its border of 1 cropped.
    private Tensor Upsample(Tensor input)
    {
        if (!CpuConvolution.UsesMatrixProduct(input.device, _up.weight!.shape[0], _up.weight.shape[1], 1))
            return _up.forward(input);
        Tensor full = TransposedConvolution.Full2d(input, _up.weight, [2, 2], [1, 1], 1);
        long h = full.shape[2], w = full.shape[3];
        Tensor cropped = full[.., .., 1..(int)(h - 1), 1..(int)(w - 1)];
        return _up.bias is null ? cropped : cropped + _up.bias.reshape(1, -1, 1, 1);
    }
}

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
        using var upsampled = functional.leaky_relu(_up.forward(input), 0.2);
        return functional.leaky_relu(_refine.forward(upsampled), 0.2);
    }
}

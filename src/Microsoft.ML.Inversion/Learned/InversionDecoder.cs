using Microsoft.ML.Inversion.Backbones;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// The up-convolutional decoder: a layer's representation [N, C, h, w] → an RGB image [N, 3, s·h, s·w] with values
/// 0–255 (a sigmoid scaled to the displayable range), where s is the architecture's stride.
/// </summary>
public sealed class InversionDecoder : Module<Tensor, Tensor>
{
    private readonly Conv2d _stem;
    private readonly Sequential _blocks;
    private readonly Conv2d _toRgb;

    /// <summary>Creates a decoder with random weights (seeded by TorchSharp's global generator).</summary>
    public InversionDecoder(DecoderArchitecture architecture)
        : base(nameof(InversionDecoder))
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        Architecture = architecture;
        _stem = Conv2d(architecture.InputChannels, architecture.StemWidth, 3, padding: 1);
        _blocks = Sequential();
        int width = architecture.StemWidth;
        for (int i = 0; i < architecture.Widths.Count; i++)
        {
            _blocks.append($"up{i + 1}", new UpBlock(width, architecture.Widths[i]));
            width = architecture.Widths[i];
        }
        _toRgb = Conv2d(width, 3, 3, padding: 1);
        // Named explicitly, so state-dict keys read "stem.weight", "blocks.up1.up.weight", … (not after the fields).
        register_module("stem", _stem);
        register_module("blocks", _blocks);
        register_module("toRgb", _toRgb);
    }

    /// <summary>The architecture the decoder was built from.</summary>
    public DecoderArchitecture Architecture { get; }

    /// <summary>Features [N, C, h, w] → RGB 0–255 [N, 3, s·h, s·w]; each image's features are first divided by their RMS.</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        // Each image's features are divided by their RMS: layers' scales differ by orders of magnitude and an image's
        // overall activation level says little about its pixels.
        Tensor normalised = features / (features.square().mean([1, 2, 3], keepdim: true).sqrt() + 1e-6);
        Tensor hidden = functional.leaky_relu(Convolve(_stem, normalised), 0.2);
        return (sigmoid(Convolve(_toRgb, _blocks.forward(hidden))) * 255).MoveToOuterDisposeScope();
    }

    // A 3×3 convolution with padding 1, by the route CpuConvolution picks for its channel counts.
    private static Tensor Convolve(Conv2d convolution, Tensor input) =>
        CpuConvolution.Conv2d(input, convolution.weight!, convolution.bias, [1, 1], [1, 1], [1, 1], 1);
}

using Microsoft.ML.Inversion.Backbones;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Parameterizations;

/// <summary>What a parameterisation needs to create its parameters for one batch.</summary>
/// <param name="Height">Canvas height (the image plus the jitter margin).</param>
/// <param name="Width">Canvas width.</param>
/// <param name="Generators">One random generator per image, so an image's start does not depend on its batch.</param>
/// <param name="Device">Where the parameters live.</param>
/// <param name="ChannelOrder">The network's channel order (colour decorrelation is defined on RGB).</param>
/// <param name="InitialImages">Optional start images [N, 3, H, W] in scaled units, instead of noise.</param>
public sealed record ParameterizationSetup(long Height, long Width, IReadOnlyList<Generator> Generators, Device Device,
    ChannelOrder ChannelOrder, Tensor? InitialImages = null)
{
    /// <summary>The number of images in the batch.</summary>
    public int Count => Generators.Count;
}

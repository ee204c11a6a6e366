using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Imaging;

/// <summary>
/// The contrast the engine holds images to: the RMS over pixels of each pixel's colour norm about the image's mean
/// colour, for images [N, 3, H, W] in any units (in the optimiser's units of B, a photograph's is about 1).
/// </summary>
internal static class ColourContrast
{
    // Inside the square root so the gradient stays finite for a flat image.
    private const double Epsilon = 1e-12;

    /// <summary>Each image minus its mean colour.</summary>
    public static Tensor Centred(Tensor images) => images - images.mean([2L, 3L], keepdim: true);

    /// <summary>The contrast of each image, [N].</summary>
    public static Tensor Rms(Tensor images) => (Centred(images).square().sum([1L]).flatten(1).mean([1L]) + Epsilon).sqrt();

    /// <summary>Each image centred on its mean colour and scaled to contrast 1.</summary>
    public static Tensor Normalised(Tensor images) => Centred(images) / Rms(images).reshape(-1, 1, 1, 1);
}

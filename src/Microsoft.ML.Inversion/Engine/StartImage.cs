using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// The image an optimisation starts from when its task gives none: the parameterisation's own noise, rescaled to the
/// contrast of a photograph, optionally mixed with the layout of the network's mean image (the average of its training
/// photographs: where they are usually bright, dark or coloured) at the same contrast. Starting at a photograph's
/// contrast keeps deep layers, whose data term barely constrains contrast, from ending as a faint grey square; the
/// layout is what a representation that has pooled its positions away (pool5) cannot say, so it starts where
/// photographs usually are. Neither reads the original's pixels.
/// </summary>
/// <param name="Contrast">The RMS colour norm of the start about its mean colour, in units of the pixel scale B
/// (about 1 for photographs).</param>
/// <param name="LayoutWeight">The share of the mean image's layout in the start, 0–1 (0: noise only; the layout is
/// flat, so left out, for networks whose mean is one colour per channel).</param>
public sealed record StartImage(double Contrast, double LayoutWeight = 0)
{
    /// <summary>The start canvases [N, 3, H, W] in units of B, from the parameterisation's first render <paramref name="noise"/>.</summary>
    /// <param name="noise">The parameterisation's starting canvases, units of B.</param>
    /// <param name="backbone">The network (for its mean image).</param>
    public Tensor Canvas(Tensor noise, Backbone backbone)
    {
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(backbone);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long height = noise.shape[2], width = noise.shape[3];
        Tensor start = ColourContrast.Normalised(noise);
        if (LayoutWeight > 0 && backbone.Preprocessing.HasMeanImage)
        {
            Tensor meanImage = backbone.Preprocessing.MeanImage(height, width, noise.device);
            Tensor flat = meanImage.mean([2L, 3L], keepdim: true).expand_as(meanImage);
            // The mean image is network input 0; a flat image of its mean colour sits at minus its layout.
            Tensor layout = ColourContrast.Normalised(-backbone.Preprocessing.ToNetworkInput(flat) / backbone.TypicalPixelNorm);
            double w = Math.Clamp(LayoutWeight, 0, 1);
            start = w * layout.expand_as(start) + Math.Sqrt(1 - w * w) * start;
        }
        return (start * Contrast).MoveToOuterDisposeScope();
    }

    /// <summary>A short description for reports.</summary>
    public string Describe() => LayoutWeight > 0 ? $"start: contrast {Contrast:G2}, layout {LayoutWeight:G2}" : $"start: contrast {Contrast:G2}";
}

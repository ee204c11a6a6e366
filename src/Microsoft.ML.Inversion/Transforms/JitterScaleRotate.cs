using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Transforms;

/// <summary>
/// <see cref="JitterCrop"/> followed by <see cref="RandomScaleRotate"/>, done as one bilinear resampling of the
/// canvas: each image's random shift becomes the translation of its affine map, so the batch needs no crop copies
/// and a single grid sample forward and backward. Draws the same random numbers in the same order as the two
/// transforms applied one after the other (shift, then scale and angle, per image); the difference is at the
/// borders, which reflect the canvas instead of the crop.
/// </summary>
/// <param name="height">The image height (the canvas is <paramref name="amount"/> − 1 pixels larger).</param>
/// <param name="width">The image width.</param>
/// <param name="amount">The jitter amount T: shifts range over 0 … T − 1.</param>
/// <param name="maxScaleChange">Scales are drawn from [1 − s, 1 + s].</param>
/// <param name="maxDegrees">Angles are drawn from [−d, d] degrees.</param>
public sealed class JitterScaleRotate(long height, long width, int amount, double maxScaleChange = 0.05, double maxDegrees = 5) : ImageTransform
{
    /// <summary>The jitter amount T.</summary>
    public int Amount { get; } = Math.Max(1, amount);

    /// <inheritdoc />
    public override Tensor Apply(Tensor images, IReadOnlyList<Generator> generators)
    {
        RequireJitterCanvas(images, height, width, Amount);
        RequireOneGeneratorPerImage(images, generators);
        long canvasHeight = images.shape[2], canvasWidth = images.shape[3];
        // In affine_grid's normalised coordinates (align_corners false), output pixel j of a crop starting at
        // column `left` is canvas coordinate (W/Wc)·x + W/Wc + 2·left/Wc − 1, where x is j's coordinate in the
        // crop; the rotation and scaling act on x about the crop's centre.
        double sx = (double)width / canvasWidth, sy = (double)height / canvasHeight;
        var theta = new float[generators.Count * 6];
        for (int i = 0; i < generators.Count; i++)
        {
            long top = UniformInt(Amount, generators[i]), left = UniformInt(Amount, generators[i]);
            double scale = Uniform(1 - maxScaleChange, 1 + maxScaleChange, generators[i]);
            double angle = Uniform(-maxDegrees, maxDegrees, generators[i]) * Math.PI / 180;
            double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
            theta[6 * i] = (float)(sx * cos);
            theta[6 * i + 1] = (float)(sx * -sin);
            theta[6 * i + 2] = (float)(sx + 2.0 * left / canvasWidth - 1);
            theta[6 * i + 3] = (float)(sy * sin);
            theta[6 * i + 4] = (float)(sy * cos);
            theta[6 * i + 5] = (float)(sy + 2.0 * top / canvasHeight - 1);
        }
        using Tensor affine = tensor(theta, [generators.Count, 2, 3]).to(images.dtype, images.device);
        using Tensor grid = F.affine_grid(affine, [images.shape[0], images.shape[1], height, width], align_corners: false);
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false);
    }

    /// <inheritdoc />
    public override string ToString() => $"jitter {Amount}, scale ±{maxScaleChange:P0}, rotate ±{maxDegrees:G3}°";
}

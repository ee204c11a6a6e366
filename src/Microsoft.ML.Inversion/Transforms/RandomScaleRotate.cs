using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Transforms;

/// <summary>
/// A small random scaling and rotation about the image centre (Lucid's <c>random_scale</c> and
/// <c>random_rotate</c>), by bilinear resampling with reflected borders.
/// </summary>
/// <param name="maxScaleChange">Scales are drawn from [1 − s, 1 + s].</param>
/// <param name="maxDegrees">Angles are drawn from [−d, d] degrees.</param>
public sealed class RandomScaleRotate(double maxScaleChange = 0.05, double maxDegrees = 5) : ImageTransform
{
    /// <inheritdoc />
    public override Tensor Apply(Tensor images, IReadOnlyList<Generator> generators)
    {
        if (generators.Count != images.shape[0])
            throw new ArgumentException($"Expected one generator per image ({images.shape[0]}); got {generators.Count}.");
        // Each image draws its own scale and angle; the whole batch is then resampled by one grid sample.
        var theta = new float[generators.Count * 6];
        for (int i = 0; i < generators.Count; i++)
        {
            double scale = Uniform(1 - maxScaleChange, 1 + maxScaleChange, generators[i]);
            double angle = Uniform(-maxDegrees, maxDegrees, generators[i]) * Math.PI / 180;
            double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
            theta[6 * i] = (float)cos;
            theta[6 * i + 1] = (float)-sin;
            theta[6 * i + 3] = (float)sin;
            theta[6 * i + 4] = (float)cos;
        }
        using Tensor affine = tensor(theta, [generators.Count, 2, 3]).to(images.dtype, images.device);
        using Tensor grid = F.affine_grid(affine, images.shape, align_corners: false);
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false);
    }

    /// <inheritdoc />
    public override string ToString() => $"scale ±{maxScaleChange:P0}, rotate ±{maxDegrees:G3}°";
}

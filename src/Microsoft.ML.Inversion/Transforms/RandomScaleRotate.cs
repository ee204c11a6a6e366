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
    public override Tensor Apply(Tensor images, IReadOnlyList<Generator> generators) =>
        PerImage(images, generators, (image, g) =>
        {
            double scale = Uniform(1 - maxScaleChange, 1 + maxScaleChange, g);
            double angle = Uniform(-maxDegrees, maxDegrees, g) * Math.PI / 180;
            double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
            using Tensor theta = tensor(new float[] { (float)cos, (float)-sin, 0, (float)sin, (float)cos, 0 }, [1, 2, 3])
                .to(image.dtype, image.device);
            using Tensor grid = F.affine_grid(theta, image.shape, align_corners: false);
            return F.grid_sample(image, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false);
        });

    /// <inheritdoc />
    public override string ToString() => $"scale ±{maxScaleChange:P0}, rotate ±{maxDegrees:G3}°";
}

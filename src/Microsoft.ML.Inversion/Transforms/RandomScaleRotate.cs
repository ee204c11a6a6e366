using static TorchSharp.torch;

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
        // A jitter of 1 has no shift: the fused transform is then exactly a scaling and rotation about the centre.
        new JitterScaleRotate(images.shape[2], images.shape[3], amount: 1, maxScaleChange, maxDegrees).Apply(images, generators);

    /// <inheritdoc />
    public override string ToString() => $"scale ±{maxScaleChange:P0}, rotate ±{maxDegrees:G3}°";
}

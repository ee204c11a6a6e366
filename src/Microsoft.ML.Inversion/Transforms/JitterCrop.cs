using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Transforms;

/// <summary>
/// The IJCV jitter: the canvas is <see cref="Amount"/> − 1 pixels larger than the image, and each step sees a
/// random crop of the image's size (a shift of 0 to Amount − 1 pixels in each direction). With
/// <c>random: false</c> it takes the centre crop, which is also how the final image is read.
/// </summary>
public sealed class JitterCrop(long height, long width, int amount, bool random = true) : ImageTransform
{
    /// <summary>The jitter amount T: shifts range over 0 … T − 1.</summary>
    public int Amount { get; } = Math.Max(1, amount);

    /// <inheritdoc />
    public override Tensor Apply(Tensor images, IReadOnlyList<Generator> generators)
    {
        RequireJitterCanvas(images, height, width, Amount);
        long margin = Amount - 1;
        if (margin == 0)
            return images;
        if (!random)
            return Crop(images, margin / 2, margin / 2);
        return PerImage(images, generators, (image, g) => Crop(image, UniformInt(Amount, g), UniformInt(Amount, g)));
    }

    private Tensor Crop(Tensor images, long top, long left) =>
        images[.., .., (int)top..(int)(top + height), (int)left..(int)(left + width)];

    /// <inheritdoc />
    public override string ToString() => random ? $"jitter {Amount}" : "centre crop";
}

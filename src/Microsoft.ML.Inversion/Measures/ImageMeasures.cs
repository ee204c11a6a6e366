using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Measures;

/// <summary>
/// How close a reconstruction is to the original, for RGB images [3, H, W] or [1, 3, H, W] with values 0–255.
/// </summary>
public static class ImageMeasures
{
    /// <summary>Peak signal-to-noise ratio in dB over all channels (peak 255); infinity for identical images.</summary>
    public static double Psnr(Tensor reconstruction, Tensor original)
    {
        using var scope = NewDisposeScope();
        var (r, o) = Pair(reconstruction, original);
        double mse = (r - o).square().mean().item<double>();
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>
    /// Structural similarity on luminance (Y = 0.299 R + 0.587 G + 0.114 B), with the standard 11×11 Gaussian
    /// window (σ = 1.5), K1 = 0.01, K2 = 0.03, L = 255, averaged over the valid windows.
    /// </summary>
    public static double Ssim(Tensor reconstruction, Tensor original)
    {
        using var scope = NewDisposeScope();
        var (r, o) = Pair(reconstruction, original);
        Tensor x = Luminance(r).unsqueeze(0).unsqueeze(0), y = Luminance(o).unsqueeze(0).unsqueeze(0);
        Tensor window = GaussianWindow(11, 1.5);
        Tensor Blur(Tensor t) => F.conv2d(t, window);
        Tensor muX = Blur(x), muY = Blur(y);
        Tensor sigmaX = Blur(x * x) - muX * muX, sigmaY = Blur(y * y) - muY * muY, sigmaXY = Blur(x * y) - muX * muY;
        double c1 = Math.Pow(0.01 * 255, 2), c2 = Math.Pow(0.03 * 255, 2);
        Tensor map = (2 * muX * muY + c1) * (2 * sigmaXY + c2) / ((muX * muX + muY * muY + c1) * (sigmaX + sigmaY + c2));
        return map.mean().item<double>();
    }

    /// <summary>
    /// Pearson correlation of the two images' luminance: 1 when structure is in the right place, blind to
    /// contrast and brightness. 0 when either image is flat.
    /// </summary>
    public static double Ncc(Tensor reconstruction, Tensor original)
    {
        using var scope = NewDisposeScope();
        var (r, o) = Pair(reconstruction, original);
        Tensor x = Luminance(r).flatten(), y = Luminance(o).flatten();
        x = x - x.mean();
        y = y - y.mean();
        double denominator = Math.Sqrt(x.square().sum().item<double>() * y.square().sum().item<double>());
        return denominator == 0 ? 0 : (x * y).sum().item<double>() / denominator;
    }

    /// <summary>
    /// The mean absolute difference between horizontal and vertical neighbours (all channels) of the
    /// reconstruction, divided by the original's: 1 is natural, above about 2 is noise, below about 0.5 washed out.
    /// </summary>
    public static double Roughness(Tensor reconstruction, Tensor original)
    {
        using var scope = NewDisposeScope();
        var (r, o) = Pair(reconstruction, original);
        double reference = NeighbourDifference(o);
        return reference == 0 ? double.PositiveInfinity : NeighbourDifference(r) / reference;
    }

    /// <summary>
    /// The standard deviation of the reconstruction's luminance over the original's: 1 is the original's contrast,
    /// 0 a flat image (the mean image scores 0); catches washed-out, grey reconstructions that ncc cannot see.
    /// </summary>
    public static double Contrast(Tensor reconstruction, Tensor original)
    {
        using var scope = NewDisposeScope();
        var (r, o) = Pair(reconstruction, original);
        double reference = Luminance(o).std().item<double>();
        return reference == 0 ? double.PositiveInfinity : Luminance(r).std().item<double>() / reference;
    }

    /// <summary>The mean absolute difference between horizontal and vertical neighbours of an image [3, H, W].</summary>
    public static double NeighbourDifference(Tensor image)
    {
        using var scope = NewDisposeScope();
        Tensor t = Single(image);
        Tensor dx = (t[.., .., 1..] - t[.., .., ..^1]).abs();
        Tensor dy = (t[.., 1.., ..] - t[.., ..^1, ..]).abs();
        return (dx.sum().item<double>() + dy.sum().item<double>()) / (dx.numel() + dy.numel());
    }

    private static (Tensor Reconstruction, Tensor Original) Pair(Tensor reconstruction, Tensor original)
    {
        Tensor r = Single(reconstruction), o = Single(original);
        if (!r.shape.SequenceEqual(o.shape))
            throw new ArgumentException($"The images differ in size: [{string.Join(", ", r.shape)}] vs [{string.Join(", ", o.shape)}].");
        return (r, o);
    }

    private static Tensor Single(Tensor image)
    {
        Tensor t = image.dim() == 4 ? image.squeeze(0) : image;
        if (t.dim() != 3 || t.shape[0] != 3)
            throw new ArgumentException($"Expected one RGB image [3, H, W]; got [{string.Join(", ", image.shape)}].");
        return t.detach().cpu().to_type(ScalarType.Float64);
    }

    private static Tensor Luminance(Tensor rgb) => rgb[0] * 0.299 + rgb[1] * 0.587 + rgb[2] * 0.114;

    private static Tensor GaussianWindow(int size, double sigma)
    {
        Tensor coordinates = arange(size, dtype: ScalarType.Float64) - (size - 1) / 2.0;
        Tensor g = (-(coordinates.square()) / (2 * sigma * sigma)).exp();
        g = g / g.sum();
        return outer(g, g).reshape(1, 1, size, size);
    }
}

using Microsoft.ML.Inversion.Measures;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

[TestClass]
public sealed class ImageMeasuresTests
{
    private static Tensor Image(float[] values, long h, long w) => tensor(values, [3, h, w]);

    [TestMethod]
    public void PsnrOfAKnownMeanSquaredError()
    {
        using var scope = NewDisposeScope();
        Tensor a = full(3, 4, 4, 100f);
        Tensor b = a + 10; // MSE = 100
        Assert.AreEqual(10 * Math.Log10(255.0 * 255.0 / 100), ImageMeasures.Psnr(b, a), 1e-9);
        Assert.AreEqual(double.PositiveInfinity, ImageMeasures.Psnr(a, a));
    }

    [TestMethod]
    public void NccIsBlindToContrastAndBrightnessButNotToStructure()
    {
        using var scope = NewDisposeScope();
        Tensor a = rand([3, 8, 8], generator: new Generator(1)) * 255;
        Assert.AreEqual(1.0, ImageMeasures.Ncc(a * 0.5 + 40, a), 1e-9);
        Assert.AreEqual(-1.0, ImageMeasures.Ncc(255 - a, a), 1e-9);
        // Hand computation on a 1×2 image: luminance of each pixel.
        Tensor x = Image([10, 20, 10, 20, 10, 20], 1, 2), y = Image([0, 30, 0, 0, 0, 0], 1, 2);
        // Luminances: x = (10, 20), y = (0, 8.97): two-point series always correlate ±1.
        Assert.AreEqual(1.0, ImageMeasures.Ncc(x, y), 1e-9);
        Assert.AreEqual(0.0, ImageMeasures.Ncc(full(3, 8, 8, 7f), a), "a flat image has no correlation");
    }

    [TestMethod]
    public void ContrastIsTheRatioOfLuminanceDeviationsAndZeroForAFlatImage()
    {
        using var scope = NewDisposeScope();
        Tensor original = rand([3, 8, 8], generator: new Generator(3)) * 200;
        Assert.AreEqual(1.0, ImageMeasures.Contrast(original + 30, original), 1e-6, "brightness does not count (float32 pixels)");
        Assert.AreEqual(0.5, ImageMeasures.Contrast(original * 0.5 + 60, original), 1e-6);
        Assert.AreEqual(0.0, ImageMeasures.Contrast(full(3, 8, 8, 128f), original), 1e-9, "a grey square has no contrast");
    }

    [TestMethod]
    public void RoughnessIsTheRatioOfMeanNeighbourDifferences()
    {
        using var scope = NewDisposeScope();
        // One channel 2×2 [[0, 10], [20, 40]], other channels zero.
        Tensor original = Image([0, 10, 20, 40, 0, 0, 0, 0, 0, 0, 0, 0], 2, 2);
        // Horizontal |10-0|, |40-20| and vertical |20-0|, |40-10| in channel 0; zeros elsewhere: 80 over 12 pairs.
        Assert.AreEqual(80.0 / 12, ImageMeasures.NeighbourDifference(original), 1e-9);
        Assert.AreEqual(2.0, ImageMeasures.Roughness(original * 2, original), 1e-9);
        Assert.AreEqual(0.0, ImageMeasures.Roughness(full(3, 2, 2, 5f), original), 1e-9);
    }

    [TestMethod]
    public void SsimMatchesAHandComputedSingleWindow()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        // 11×11 images: exactly one valid window, so SSIM is that window's value.
        Tensor a = rand([3, 11, 11], generator: generator) * 255, b = rand([3, 11, 11], generator: generator) * 255;
        double[] la = Luma(a), lb = Luma(b);
        double[] w = new double[121];
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++)
                w[i * 11 + j] = Math.Exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
        double total = w.Sum();
        double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
        for (int k = 0; k < 121; k++) { mx += w[k] * la[k] / total; my += w[k] * lb[k] / total; }
        for (int k = 0; k < 121; k++)
        {
            sxx += w[k] / total * (la[k] - mx) * (la[k] - mx);
            syy += w[k] / total * (lb[k] - my) * (lb[k] - my);
            sxy += w[k] / total * (la[k] - mx) * (lb[k] - my);
        }
        double c1 = Math.Pow(2.55, 2), c2 = Math.Pow(7.65, 2);
        double expected = (2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sxx + syy + c2));

        Assert.AreEqual(expected, ImageMeasures.Ssim(a, b), 1e-6);
        Assert.AreEqual(1.0, ImageMeasures.Ssim(a, a), 1e-9);
    }

    private static double[] Luma(Tensor rgb)
    {
        float[] v = rgb.contiguous().data<float>().ToArray();
        int n = v.Length / 3;
        return Enumerable.Range(0, n).Select(i => 0.299 * v[i] + 0.587 * v[n + i] + 0.114 * v[2 * n + i]).ToArray();
    }
}

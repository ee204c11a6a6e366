using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Representations;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Representations;

/// <summary>HOG and dense SIFT against loop-by-loop reference implementations, and their derivatives.</summary>
[TestClass]
public sealed class HandcraftedRepresentationTests
{
    private static Tensor Photograph(string name, int height, int width, ScalarType type = ScalarType.Float64)
    {
        using var hog = HandcraftedBackbone.Hog();
        return hog.Preprocessing.ToNetworkInput(ImageTensors.LoadCentered(TestEnvironment.Photograph(name), height, width)).to_type(type);
    }

    private static double[,,] ToArray3(Tensor image)
    {
        double[] values = image.cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        long c = image.shape[^3], h = image.shape[^2], w = image.shape[^1];
        var result = new double[c, h, w];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    private static void AssertClose(double[,,] expected, Tensor actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.GetLength(0), (int)actual.shape[1], $"{what}: dimensions");
        Assert.AreEqual(expected.GetLength(1), (int)actual.shape[2], $"{what}: rows");
        Assert.AreEqual(expected.GetLength(2), (int)actual.shape[3], $"{what}: columns");
        double[,,] values = ToArray3(actual[0]);
        double worst = 0, largest = 0;
        for (int d = 0; d < expected.GetLength(0); d++)
            for (int i = 0; i < expected.GetLength(1); i++)
                for (int j = 0; j < expected.GetLength(2); j++)
                {
                    worst = Math.Max(worst, Math.Abs(expected[d, i, j] - values[d, i, j]));
                    largest = Math.Max(largest, Math.Abs(expected[d, i, j]));
                }
        Console.WriteLine($"{what}: largest value {largest:G4}, largest difference {worst:G3}");
        Assert.IsGreaterThan(0.01, largest, $"{what}: the features are not all zero");
        Assert.IsLessThan(tolerance, worst, $"{what}: module and reference differ");
    }

    [TestMethod]
    [DataRow(HogVariant.UoCtti, OrientationBinning.Hard, 8)]
    [DataRow(HogVariant.UoCtti, OrientationBinning.Bilinear, 8)]
    [DataRow(HogVariant.DalalTriggs, OrientationBinning.Hard, 8)]
    [DataRow(HogVariant.DalalTriggs, OrientationBinning.Bilinear, 5)]
    public void HogMatchesTheReferenceImplementation(HogVariant variant, OrientationBinning binning, int cellSize)
    {
        using var scope = NewDisposeScope();
        // 44×60 leaves a partial cell at the border, which must be handled the same way.
        Tensor image = Photograph("chelsea.png", 44, 60);
        var options = new HogOptions { Variant = variant, Binning = binning, CellSize = cellSize };
        using var hog = HandcraftedBackbone.Hog(options);

        Tensor features = hog.Forward(image, HandcraftedBackbone.HogLayer);

        Assert.AreEqual(options.Dimensions, (int)features.shape[1]);
        double[,,] expected = ReferenceHog.Compute(ToArray3(image[0]), cellSize, options.Orientations, binning == OrientationBinning.Bilinear, variant == HogVariant.UoCtti);
        AssertClose(expected, features, 1e-9, $"HOG {variant} {binning} cell {cellSize}");
    }

    [TestMethod]
    [DataRow(5, 5)]
    [DataRow(4, 3)]
    public void DenseSiftMatchesTheReferenceImplementation(int binSize, int step)
    {
        using var scope = NewDisposeScope();
        Tensor image = Photograph("coffee.png", 37, 46);
        var options = new DenseSiftOptions { BinSize = binSize, Step = step };
        using var sift = HandcraftedBackbone.DenseSift(options);

        Tensor descriptors = sift.Forward(image, HandcraftedBackbone.DenseSiftLayer);

        Assert.AreEqual(128, (int)descriptors.shape[1]);
        double[,,] expected = ReferenceDenseSift.Compute(ToArray3(image[0]), binSize, step, options.SpatialBins, options.Orientations);
        AssertClose(expected, descriptors, 1e-9, $"DSIFT bin {binSize} step {step}");
    }

    [TestMethod]
    [DataRow("hog")]
    [DataRow("hogb")]
    [DataRow("hog-dt")]
    [DataRow("dsift")]
    public void GradientsMatchFiniteDifferences(string name)
    {
        using var scope = NewDisposeScope();
        using var representation = HandcraftedBackbone.FromName(name);
        string layer = representation.DescribeLayers(32, 32)[0].Name;
        using var generator = new Generator(7);
        // Photographs are quantised, so many pixels have exactly zero gradient, where the magnitude |∇I| has a
        // kink that finite differences see and derivatives cannot; a little noise moves every pixel off it.
        Tensor image = (Photograph("astronaut.png", 32, 32) + 0.01 * randn([1, 3, 32, 32], dtype: ScalarType.Float64, generator: generator)).requires_grad_(true);
        Tensor weights = randn(representation.Forward(image, layer).shape, dtype: ScalarType.Float64, generator: generator);
        Tensor Loss(Tensor x) => (representation.Forward(x, layer) * weights).sum();

        Loss(image).backward();
        Tensor gradient = image.grad!.clone();
        Assert.IsTrue(gradient.isfinite().all().item<bool>(), "the gradient is finite");

        int matched = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            Tensor direction = randn(image.shape, dtype: ScalarType.Float64, generator: generator);
            const double step = 1e-7;
            double numeric;
            using (no_grad())
                numeric = ((Loss(image + step * direction) - Loss(image - step * direction)) / (2 * step)).item<double>();
            double analytic = (gradient * direction).sum().item<double>();
            Console.WriteLine($"{name} direction {trial}: analytic {analytic:G8}, finite differences {numeric:G8}");
            if (Math.Abs(analytic - numeric) <= 1e-5 * Math.Max(1, Math.Abs(numeric)))
                matched++;
        }
        // A direction may cross one of the few kinks (bin boundaries, the clip, the strongest channel); at most one of three.
        Assert.IsGreaterThanOrEqualTo(2, matched, $"{name}: derivatives match finite differences");
    }

    [TestMethod]
    public void BadInputsGetClearErrors()
    {
        using var scope = NewDisposeScope();
        using var sift = HandcraftedBackbone.DenseSift();
        var tooSmall = Assert.ThrowsExactly<ArgumentException>(() => sift.Forward(zeros(1, 3, 20, 40), "dsift"));
        StringAssert.Contains(tooSmall.Message, "at least 24×24");
        using var hog = HandcraftedBackbone.Hog();
        Assert.ThrowsExactly<ArgumentException>(() => hog.Forward(zeros(1, 3, 6, 40), "hog"));
        var unknownLayer = Assert.ThrowsExactly<Microsoft.ML.Inversion.Backbones.UnknownLayerException>(() => hog.ResolveLayer("hogg"));
        StringAssert.Contains(unknownLayer.Message, "hog");
        var unknownName = Assert.ThrowsExactly<ArgumentException>(() => HandcraftedBackbone.FromName("sift"));
        StringAssert.Contains(unknownName.Message, "dsift");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HogFeatures(new HogOptions { CellSize = 1 }));
    }

    [TestMethod]
    public void ABatchGivesEachImageItsOwnFeatures()
    {
        using var scope = NewDisposeScope();
        using var hog = HandcraftedBackbone.Hog();
        Tensor a = Photograph("chelsea.png", 48, 48, ScalarType.Float32), b = Photograph("coffee.png", 48, 48, ScalarType.Float32);
        Tensor together = hog.Forward(cat([a, b], 0), "hog");
        Assert.IsTrue(together[1].allclose(hog.Forward(b, "hog")[0], rtol: 1e-5, atol: 1e-6));
        Assert.IsTrue(together[0].allclose(hog.Forward(a, "hog")[0], rtol: 1e-5, atol: 1e-6));
    }

    [TestMethod]
    [DataRow("hog")]
    [DataRow("dsift")]
    public void InversionBeatsNaiveOnFeatureErrorAndRoughness(string name)
    {
        using var scope = NewDisposeScope();
        using var representation = HandcraftedBackbone.FromName(name);
        string layer = representation.DescribeLayers(128, 128)[0].Name;
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), 128, 128);

        // The presets' own schedules (800 and 350 steps) at half the quality table's size.
        using var ours = new FeatureInverter(representation, layer).InvertImages(photo);
        using var naive = new FeatureInverter(representation, layer, new InversionOptions { Preset = InversionPreset.Naive }).InvertImages(photo);

        double oursRoughness = ImageMeasures.Roughness(ours.Images, photo), naiveRoughness = ImageMeasures.Roughness(naive.Images, photo);
        Console.WriteLine($"{name}: ours error {ours.FeatureErrors[0]:F3}, roughness {oursRoughness:F2}, ncc {ImageMeasures.Ncc(ours.Images, photo):F2}; " +
                          $"naive error {naive.FeatureErrors[0]:F3}, roughness {naiveRoughness:F2}, ncc {ImageMeasures.Ncc(naive.Images, photo):F2}");
        Assert.IsLessThan(naive.FeatureErrors[0], ours.FeatureErrors[0], "lower feature error than naive");
        Assert.IsLessThan(naiveRoughness, oursRoughness, "smoother than naive");
        Assert.IsTrue(oursRoughness is > 0.4 and < 2, $"roughness {oursRoughness}: the contrast was restored, not left faded");
    }
}

using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>
/// Issue 18's per-photograph targets for the default preset, on the real ResNet18 at full size (224×224): a flat
/// photograph and a textured one both come out inside the roughness windows of stage1, stage2, stage3 and pool5, and
/// pool5 is not a grey square. The 2026-11 default fails the stage1, stage2 and pool5 ones (lake at dusk at stage1: 4.37; foggy field at stage2: roughness 3.7;
/// pool5 contrast 0.12–0.28).
/// </summary>
[TestClass]
public sealed class DefaultPresetTests
{
    private static Tensor Photograph(string name) => ImageTensors.LoadCentered(TestEnvironment.Photograph(name), 224, 224);

    [TestMethod]
    public void Stage2SmoothsAFlatPhotographWithoutWashingOutATexturedOne() =>
        AssertEachInsideWindow("stage2", ["005-foggy-field.jpg", "034-moss.jpg"], 0.5, 1.5, maxError: null, minContrast: 0.5);

    // Bark beside a blurred garden: when the whole image's TV followed Φ0's mean variation (to the power 4) the flat
    // half smoothed the bark too (0.45); the backbone's texture estimate carries that share now (0.57 on the tuning set).
    [TestMethod]
    public void Stage2KeepsBarkTexturedBesideABlurredBackground() =>
        AssertEachInsideWindow("stage2", ["012-nuthatch.jpg", "008-lake-dusk.jpg"], 0.5, 1.5, maxError: null, minContrast: null);

    // The most textured tuning photographs at stage3: moss came out at 0.45 with λTV 0.5 and the estimate to the power
    // −1.3, leaf veins at 0.49 with the power −1.8 and λTV 0.5; λTV 0.4 and the power −1.6 bring both inside.
    [TestMethod]
    public void Stage3KeepsMossAndLeafVeinsTextured() =>
        AssertEachInsideWindow("stage3", ["034-moss.jpg", "032-leaf-veins.jpg"], 0.5, 1.5, maxError: 0.22, minContrast: null);

    // Plain TV (the 2026-11 settings) leaves lake at dusk at roughness 4.37; the Φ0-guided TV brings it to about 1.
    [TestMethod]
    public void Stage1KeepsADuskSkySmoothAndMossTextured() =>
        AssertEachInsideWindow("stage1", ["008-lake-dusk.jpg", "034-moss.jpg"], 0.6, 1.4, maxError: 0.2, minContrast: null);

    // Without the backbone's texture estimate (λTV 0.6 for every photograph) foggy field came out at 2.68 and forest
    // stream at 0.27; each image's λTV following the estimate brings both inside.
    [TestMethod]
    public void Pool5SmoothsAFlatPhotographMoreThanATexturedOne() =>
        AssertEachInsideWindow("pool5", ["005-foggy-field.jpg", "003-forest-stream.jpg"], 0.3, 1.5, maxError: 0.12, minContrast: 0.5);

    // Inverts tuning photographs together at a layer and checks each one's roughness and, where given, its feature error and contrast.
    private static void AssertEachInsideWindow(string layer, string[] tuningPhotographs, double low, double high, double? maxError, double? minContrast)
    {
        using var scope = NewDisposeScope();
        string[] names = tuningPhotographs.Select(n => Path.Combine("tuning", n)).ToArray();
        Tensor originals = cat(names.Select(Photograph).ToArray(), 0);
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, layer, new InversionOptions { Preset = InversionPreset.Default });
        using var result = inverter.InvertImages(originals);
        for (int i = 0; i < names.Length; i++)
        {
            Tensor reconstruction = result.Images[i..(i + 1)], original = originals[i..(i + 1)];
            double roughness = ImageMeasures.Roughness(reconstruction, original), contrast = ImageMeasures.Contrast(reconstruction, original);
            Console.WriteLine($"{layer} {names[i]}: error {result.FeatureErrors[i]:F3} roughness {roughness:F2} contrast {contrast:F2}");
            Assert.IsTrue(roughness >= low && roughness <= high, $"{names[i]}: roughness {roughness:F2} outside {layer}'s window {low}–{high}");
            if (maxError is { } limit)
                Assert.IsLessThanOrEqualTo(limit, result.FeatureErrors[i], $"{names[i]}: feature error above {layer}'s target");
            if (minContrast is { } floor)
                Assert.IsGreaterThanOrEqualTo(floor, contrast, $"{names[i]}: contrast {contrast:F2} below {floor}");
        }
    }

    // The default's rate falls in steps (2, 1.5, 1, 0.5 times, then a quarter without jitter); the 2026-11 schedule kept
    // it constant, then a tenth. On the report set stage3 reached 0.186 in 250 falling steps against 0.214 in 350.
    [TestMethod]
    public void Stage3FallingRateReachesALowerErrorInFewerStepsThanAConstantRate()
    {
        using var scope = NewDisposeScope();
        Tensor original = Photograph("chelsea.png");
        var falling = new FeatureInverter(BuiltInNetwork.ResNet18, "stage3", new InversionOptions { Preset = InversionPreset.Default });
        var constant = new FeatureInverter(BuiltInNetwork.ResNet18, "stage3", new InversionOptions
        {
            Preset = InversionPreset.Default,
            Customize = s => s with { Schedule = [new(300, 1), new(50, 0.1, Jitter: false)] },
        });
        using var fallingResult = falling.InvertImages(original);
        using var constantResult = constant.InvertImages(original);
        Console.WriteLine($"stage3 chelsea: falling rate {fallingResult.FeatureErrors[0]:F3} in {fallingResult.Iterations} steps, constant {constantResult.FeatureErrors[0]:F3} in {constantResult.Iterations}");
        Assert.IsLessThan(constantResult.Iterations, fallingResult.Iterations);
        Assert.IsLessThan(constantResult.FeatureErrors[0], fallingResult.FeatureErrors[0], "the falling rate should reach a lower feature error");
    }

    // The falling rate's last, unjittered phase at a quarter of the rate settles the image on Φ0; at a tenth it stays
    // where the jittered steps left it (report set, four seeds each: pool5 error 0.100 against 0.121; astronaut 0.113
    // against 0.137).
    [TestMethod]
    public void Pool5LastPhaseAtAQuarterOfTheRateReachesALowerErrorThanAtATenth()
    {
        using var scope = NewDisposeScope();
        Tensor original = Photograph("astronaut.png");
        Tensor twice = cat([original, original], 0);
        var quarter = new FeatureInverter(BuiltInNetwork.ResNet18, "pool5", new InversionOptions { Preset = InversionPreset.Default });
        var tenth = new FeatureInverter(BuiltInNetwork.ResNet18, "pool5", new InversionOptions
        {
            Preset = InversionPreset.Default,
            Customize = s => s with { Schedule = [.. s.Schedule.SkipLast(1), s.Schedule[^1] with { RateMultiplier = 0.1 }] },
        });
        using var quarterResult = quarter.InvertImages(twice);
        using var tenthResult = tenth.InvertImages(twice);
        double quarterError = quarterResult.FeatureErrors.Average(), tenthError = tenthResult.FeatureErrors.Average();
        Console.WriteLine($"pool5 astronaut, seeds 1 and 2: last phase at a quarter {string.Join(", ", quarterResult.FeatureErrors.Select(e => e.ToString("F3")))}, at a tenth {string.Join(", ", tenthResult.FeatureErrors.Select(e => e.ToString("F3")))}");
        Assert.AreEqual(0.25, quarterResult.Settings.Schedule[^1].RateMultiplier, "the default's last phase");
        Assert.IsLessThan(tenthError, quarterError, "a quarter of the rate in the last phase should reach a lower feature error");
        Assert.IsLessThanOrEqualTo(0.12, quarterError, "feature error above pool5's target");
    }

    [TestMethod]
    public void Pool5ReconstructionHasContrastAndMatchesTheEmbedding()
    {
        using var scope = NewDisposeScope();
        Tensor original = Photograph("chelsea.png");
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "pool5", new InversionOptions { Preset = InversionPreset.Default });
        using var result = inverter.InvertImages(original);
        double contrast = ImageMeasures.Contrast(result.Images, original), roughness = ImageMeasures.Roughness(result.Images, original);
        Console.WriteLine($"pool5: error {result.FeatureErrors[0]:F3} contrast {contrast:F2} roughness {roughness:F2}");
        Assert.IsGreaterThanOrEqualTo(0.5, contrast, "a pool5 reconstruction should not be a grey square");
        Assert.IsTrue(roughness is >= 0.3 and <= 1.5, $"roughness {roughness:F2} outside pool5's window 0.3–1.5");
        Assert.IsLessThanOrEqualTo(0.12, result.FeatureErrors[0], "feature error above pool5's target");
    }
}

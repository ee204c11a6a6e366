using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>The inversion engine on the real ResNet18 and real photographs, at small sizes to stay fast.</summary>
[TestClass]
public sealed class FeatureInverterTests
{
    private static Tensor Crop(string image, int size) => ImageTensors.LoadCentered(TestEnvironment.Photograph(image), size, size);

    [TestMethod]
    public void DefaultBeatsNaiveOnStructureAndNaturalnessAtStage1()
    {
        using var scope = NewDisposeScope();
        Tensor original = Crop("chelsea.png", 96);
        var ours = new FeatureInverter(BuiltInNetwork.ResNet18, "stage1", new InversionOptions { Iterations = 100 });
        var naive = new FeatureInverter(BuiltInNetwork.ResNet18, "stage1", new InversionOptions { Preset = InversionPreset.Naive, Iterations = 100 });

        using var oursResult = ours.InvertImages(original);
        using var naiveResult = naive.InvertImages(original);

        double oursNcc = ImageMeasures.Ncc(oursResult.Images, original), naiveNcc = ImageMeasures.Ncc(naiveResult.Images, original);
        double oursRough = ImageMeasures.Roughness(oursResult.Images, original), naiveRough = ImageMeasures.Roughness(naiveResult.Images, original);
        Console.WriteLine($"ours: error {oursResult.FeatureErrors[0]:F3} ncc {oursNcc:F3} roughness {oursRough:F2}; naive: error {naiveResult.FeatureErrors[0]:F3} ncc {naiveNcc:F3} roughness {naiveRough:F2}");
        Assert.IsLessThan(0.20, oursResult.FeatureErrors[0], "feature error above the stage1 target");
        Assert.IsGreaterThan(naiveNcc, oursNcc, "ours should place structure better than naive");
        Assert.IsLessThan(Math.Abs(Math.Log(naiveRough)), Math.Abs(Math.Log(oursRough)), "ours should be closer to natural roughness (1)");
    }

    [TestMethod]
    public void EnergyGoesDownWithEveryPreset()
    {
        using var scope = NewDisposeScope();
        Tensor original = Crop("coffee.png", 64);
        foreach (InversionPreset preset in InversionPreset.All)
        {
            var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "pool1", new InversionOptions { Preset = preset, Iterations = 30, RecordLossCurve = true });
            using var result = inverter.InvertImages(original);
            double[] curve = result.LossCurves![0];
            Console.WriteLine($"{preset.Name}: energy {curve[0]:G4} → {curve[^1]:G4}, error {result.FeatureErrors[0]:F3}");
            Assert.IsTrue(curve.All(double.IsFinite), $"{preset.Name}: non-finite energy");
            Assert.IsLessThan(curve[0] * 0.7, curve[^1], $"{preset.Name}: the energy should fall");
            Assert.IsLessThan(1.0, result.FeatureErrors[0], $"{preset.Name}: the reconstruction should be closer than nothing");
        }
    }

    [TestMethod]
    public void FixedSeedWithoutJitterIsDeterministic()
    {
        using var scope = NewDisposeScope();
        Tensor original = Crop("astronaut.png", 48);
        var options = new InversionOptions { Iterations = 20, JitterAmount = 1, Seed = 42 };
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "stage2", options);
        using var first = inverter.InvertImages(original);
        using var second = inverter.InvertImages(original);
        Assert.IsTrue(first.Images.eq(second.Images).all().item<bool>(), "same seed, same result");

        options.Seed = 43;
        using var other = inverter.InvertImages(original);
        Assert.IsFalse(first.Images.eq(other.Images).all().item<bool>(), "another seed, another start");
    }

    [TestMethod]
    public void BatchOfThreeEqualsThreeSingles()
    {
        using var scope = NewDisposeScope();
        Tensor batch = cat(TestEnvironment.PhotographNames.Select(n => Crop(n, 48)).ToArray(), 0);
        // Jitter and random transforms stay on: each image draws them from its own generator.
        // 5 steps: batched convolutions round differently in the last float bits, and the optimisation is chaotic
        // enough to amplify that. Measured on these crops with the 2026-11 default: 1e-4 grey levels for 12 steps, then
        // about 1.5× per step; with today's stage2 settings (a Φ0-guided TV up to 32× λTV 2 on a 48-pixel crop)
        // astronaut's images agree to under 5e-5 for 5 steps, then differ by 0.006, 0.027, 0.063 and 0.14 grey levels
        // at 6–8 and 10 steps, while coffee's and chelsea's stay equal. A longer run compares chaos, not batching
        // (a batch that mixed images would differ from the first step). In float32: where the CPU has bfloat16 the
        // default runs stage2 in it, whose rounding (2^-9) the same chaos turns into grey levels within 5 steps (1.3).
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "stage2", new InversionOptions
        {
            Iterations = 5,
            Seed = 7,
            Execution = BuiltInNetwork.ResNet18.OptimizationExecution with { ComputeType = ScalarType.Float32 },
        });

        using var together = inverter.InvertImages(batch);
        for (int i = 0; i < 3; i++)
        {
            using var alone = inverter.InvertImages(batch[i..(i + 1)], seeds: [7 + i]);
            Tensor difference = (alone.Images[0] - together.Images[i]).abs();
            double mean = difference.mean().item<float>(), max = difference.max().item<float>();
            Console.WriteLine($"image {i}: mean difference {mean:F4}, max {max:F2} grey levels");
            Assert.IsLessThan(0.01, mean, $"image {i}: batch and single differ by {mean} grey levels on average");
            Assert.IsLessThan(0.5, max, $"image {i}: batch and single differ by up to {max} grey levels");
            Assert.AreEqual(alone.FeatureErrors[0], together.FeatureErrors[i], 1e-4);
        }
    }

    [TestMethod]
    public void InvertsAStoredEmbeddingGivenAsAVector()
    {
        using var scope = NewDisposeScope();
        Tensor original = Crop("chelsea.png", 64);
        Tensor embedding;
        using (no_grad())
            embedding = BuiltInNetwork.ResNet18.Featurize(original, "stage1").flatten(1);
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "stage1", new InversionOptions { Iterations = 60 });
        using var result = inverter.InvertFeatures(embedding, 64, 64);
        CollectionAssert.AreEqual(new long[] { 1, 3, 64, 64 }, result.Images.shape);
        Assert.IsLessThan(0.5, result.FeatureErrors[0]);
        Assert.IsGreaterThan(0.3, ImageMeasures.Ncc(result.Images, original));
    }

    [TestMethod]
    public void BadTargetsGiveClearErrorsInsteadOfNaN()
    {
        using var scope = NewDisposeScope();
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "pool5");
        var zero = Assert.ThrowsExactly<ArgumentException>(() => inverter.InvertFeatures(zeros(1, 512), 224, 224));
        StringAssert.Contains(zero.Message, "all zeros");

        Tensor withNaN = ones(2, 512);
        withNaN[1, 3] = tensor(float.NaN);
        var nan = Assert.ThrowsExactly<ArgumentException>(() => inverter.InvertFeatures(withNaN, 224, 224));
        StringAssert.Contains(nan.Message, "Target 1");

        var size = Assert.ThrowsExactly<ArgumentException>(() => inverter.InvertFeatures(ones(1, 100), 224, 224));
        StringAssert.Contains(size.Message, "512 values per image");

        var tiny = Assert.ThrowsExactly<ArgumentException>(() => inverter.InvertImages(full(1, 3, 8, 8, 128f)));
        StringAssert.Contains(tiny.Message, "too small");
    }

    [TestMethod]
    public void CancellationStopsPromptly()
    {
        using var scope = NewDisposeScope();
        using var cancellation = new CancellationTokenSource();
        int reports = 0;
        var options = new InversionOptions
        {
            Iterations = 10_000,
            ProgressInterval = 1,
            Progress = new SynchronousProgress<InversionProgress>(p => { if (++reports == 3) cancellation.Cancel(); }),
        };
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "conv1", options);
        Assert.ThrowsExactly<OperationCanceledException>(() => inverter.InvertImages(Crop("coffee.png", 32), cancellationToken: cancellation.Token));
        Assert.AreEqual(3, reports);
    }

    [TestMethod]
    public void RefinementStartsFromTheGivenImagesInsteadOfNoise()
    {
        using var scope = NewDisposeScope();
        Tensor photo = Crop("chelsea.png", 64);
        Tensor target = BuiltInNetwork.ResNet18.Featurize(photo, "stage2");
        var inverter = new FeatureInverter(BuiltInNetwork.ResNet18, "stage2", new InversionOptions { Preset = InversionPreset.Ijcv2016, Iterations = 5 });

        using var fromNoise = inverter.InvertFeatures(target, 64, 64);
        using var fromPhoto = inverter.InvertFeatures(target, 64, 64, startImages: photo);

        Console.WriteLine($"5 steps from noise: error {fromNoise.FeatureErrors[0]:F3}; from the photograph: {fromPhoto.FeatureErrors[0]:F3}");
        // The photograph is the exact pre-image: a few steps from it stay close (jitter and momentum move it a little),
        // far below a start from noise.
        Assert.IsLessThan(0.2, fromPhoto.FeatureErrors[0]);
        Assert.IsLessThan(fromNoise.FeatureErrors[0] / 2, fromPhoto.FeatureErrors[0]);
        Assert.ThrowsExactly<ArgumentException>(() => inverter.InvertFeatures(target, 64, 64, startImages: Crop("chelsea.png", 32)));
    }
}

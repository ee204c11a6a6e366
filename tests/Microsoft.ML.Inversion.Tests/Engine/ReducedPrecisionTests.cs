using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>
/// The default preset runs the network in bfloat16 from pool1 on where the CPU has it natively (issue 18's
/// cheaper steps); the image, the optimiser and every score stay float32.
/// </summary>
[TestClass]
public sealed class ReducedPrecisionTests
{
    [TestMethod]
    public void TheDefaultAsksForBFloat16FromPool1On()
    {
        OnnxBackbone network = BuiltInNetwork.ResNet18;
        string[] reduced = PretrainedBackbones.ResNet18Layers
            .Where(l => InversionPreset.Default.SettingsFor(LayerGeometry.Of(network, l, 224, 224), network.TypicalPixelNorm).ReducedPrecision)
            .ToArray();
        CollectionAssert.AreEqual(new[] { "pool1", "stage1", "stage2", "stage3", "stage4", "pool5" }, reduced, "conv1 gains less than the one-off weight copy costs");
        foreach (string layer in PretrainedBackbones.ResNet18Layers)
            Assert.IsFalse(InversionPreset.Default2026November.SettingsFor(LayerGeometry.Of(network, layer, 224, 224), network.TypicalPixelNorm).ReducedPrecision,
                $"default-2026-11 stays float32 at {layer}");
    }

    [TestMethod]
    public void ABFloat16InversionMatchesFloat32AndScoresInFloat32()
    {
        using var scope = NewDisposeScope();
        OnnxBackbone network = BuiltInNetwork.ResNet18;
        Tensor original = ImageTensors.LoadCentered(TestEnvironment.Photograph("coffee.png"), 96, 96);
        InversionResult Invert(ScalarType type) => new FeatureInverter(network, "stage2", new InversionOptions
        {
            Preset = InversionPreset.Default,
            Iterations = 60,
            Execution = network.OptimizationExecution with { ComputeType = type },
        }).InvertImages(original);

        using var full = Invert(ScalarType.Float32);
        using var reduced = Invert(ScalarType.BFloat16);
        using Tensor target = network.Featurize(original, "stage2");
        using Tensor reached = network.Featurize(reduced.Images, "stage2");
        double recomputed = ((reached - target).norm() / target.norm()).item<float>();
        Console.WriteLine($"stage2 after 60 steps: float32 error {full.FeatureErrors[0]:F3}, bfloat16 {reduced.FeatureErrors[0]:F3} (recomputed in float32 {recomputed:F3})");
        Assert.AreEqual(recomputed, reduced.FeatureErrors[0], 1e-4, "the score is the float32 feature error of the returned image");
        Assert.AreNotEqual(full.FeatureErrors[0], reduced.FeatureErrors[0], "the bfloat16 run took its own path");
        Assert.AreEqual(full.FeatureErrors[0], reduced.FeatureErrors[0], 0.03, "bfloat16 steps reach the float32 run's feature error");
        Assert.IsLessThan(0.6, reduced.FeatureErrors[0], "the bfloat16 run converges");
    }
}

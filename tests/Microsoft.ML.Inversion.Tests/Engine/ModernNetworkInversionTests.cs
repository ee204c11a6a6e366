using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>
/// Inversion of a mid layer of the reduced ViT-B/16 (a token layer) and ConvNeXt-T exports (random weights,
/// Networks/export_test_networks.py) is smoother than the naive method at every fixed step a person would try.
/// </summary>
[TestClass]
public sealed class ModernNetworkInversionTests
{
    private const int Size = 64;

    [TestMethod]
    [DataRow("vit_b_16.onnx", "/encoder/layers/encoder_layer_0/Add_1_output_0", true)]
    [DataRow("convnext_t.onnx", "/features/features.5/features.5.0/Add_output_0", false)]
    public void MidLayerInversionBeatsNaiveOnRoughness(string file, string layer, bool tokens)
    {
        using var backbone = OnnxBackbone.Load(Path.Combine(AppContext.BaseDirectory, "Networks", file));
        using var scope = NewDisposeScope();
        Assert.AreEqual(tokens, LayerGeometry.Of(backbone, layer, Size, Size).IsTokens, "a ViT block's output is a token layer");
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), Size, Size);

        using var ours = new FeatureInverter(backbone, layer, new InversionOptions { Iterations = 80 }).InvertImages(photo);
        double oursRoughness = ImageMeasures.Roughness(ours.Images, photo);
        Console.WriteLine($"{file}: ours error {ours.FeatureErrors[0]:F3}, roughness {oursRoughness:F2}");
        int finite = 0;
        foreach (double rate in new[] { 1.0, 10, 100, 1000 })
        {
            using var naive = new FeatureInverter(backbone, layer, new InversionOptions
            {
                Preset = InversionPreset.Naive,
                Iterations = 80,
                Customize = s => s with { LearningRate = rate },
            }).InvertImages(photo);
            double naiveRoughness = ImageMeasures.Roughness(naive.Images, photo);
            Console.WriteLine($"  naive at step {rate}: error {naive.FeatureErrors[0]:F3}, roughness {naiveRoughness:F2}");
            if (!double.IsFinite(naive.FeatureErrors[0]))
                continue;
            finite++;
            Assert.IsLessThan(naiveRoughness, oursRoughness, $"smoother than naive at step {rate}");
        }
        Assert.IsGreaterThan(0, finite, "at least one naive step converges, so the comparison is real");
        Assert.IsLessThan(1.0, ours.FeatureErrors[0], "closer than nothing");
    }
}

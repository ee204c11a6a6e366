using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Regularizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>
/// The built-in ResNet18's texture estimates (fitted on the 33 tuning photographs) read how textured a photograph is
/// from a pooled target alone, and the TV guide turns the estimate into per-image gains.
/// </summary>
[TestClass]
public sealed class TextureEstimateTests
{
    private static Tensor Photograph(string name) => ImageTensors.LoadCentered(TestEnvironment.Photograph(name), 224, 224);

    // The report photographs were never fitted on: the estimate must land within a factor e^0.5 ≈ 1.65 of each one's
    // measured texture (the log textures of the tuning set spread with a standard deviation of 0.55).
    [TestMethod]
    [DataRow("stage2")]
    [DataRow("pool5")]
    public void EstimatesTheTextureOfPhotographsItWasNotFittedOn(string layer)
    {
        using var scope = NewDisposeScope();
        TextureEstimate estimate = BuiltInNetwork.ResNet18.TextureEstimateFor(layer) ?? throw new AssertFailedException($"the built-in ResNet18 has no {layer} texture estimate");
        foreach (string name in new[] { "astronaut.png", "chelsea.png", "coffee.png" })
        {
            Tensor image = Photograph(name);
            using var noGrad = no_grad();
            double measured = Math.Log(ImageMeasures.NeighbourDifference(image));
            double predicted = estimate.Predict(BuiltInNetwork.ResNet18.Featurize(image, layer)).item<double>();
            Console.WriteLine($"{layer} {name}: log texture {measured:F3}, estimated {predicted:F3}");
            Assert.IsLessThan(0.5, Math.Abs(predicted - measured), $"{name}: estimated log texture {predicted:F3}, measured {measured:F3}");
        }
    }

    [TestMethod]
    public void GuideGivesAFlatPhotographMoreTvThanATexturedOneAtAPooledLayer()
    {
        using var scope = NewDisposeScope();
        var guide = new TotalVariationGuide(1, Exponent: 0, MinGain: 0.25, MaxGain: 8) { Texture = BuiltInNetwork.ResNet18.TextureEstimateFor("pool5"), TextureExponent = 1.4 };
        Tensor images = cat([Photograph("tuning/005-foggy-field.jpg"), Photograph("tuning/034-moss.jpg")], 0);
        Tensor target;
        using (no_grad())
            target = BuiltInNetwork.ResNet18.Featurize(images, "pool5");
        Tensor gains = guide.Gains(target, 224, 224) ?? throw new AssertFailedException("no gains for a pooled target with a texture estimate");
        CollectionAssert.AreEqual(new long[] { 2, 1, 224, 224 }, gains.shape);
        double fog = gains[0].mean().item<float>(), moss = gains[1].mean().item<float>();
        Assert.AreEqual(fog, gains[0].max().item<float>(), 1e-6, "a pooled target's gain is one per image");
        Assert.IsGreaterThan(2 * moss, fog, $"foggy field's gain {fog:F2} against moss's {moss:F2}");
        Assert.IsNull((guide with { TextureExponent = 0 }).Gains(target, 224, 224), "without the estimate a pooled target gets no gains");
    }

    [TestMethod]
    public void EstimateRefusesATargetWithAnotherChannelCount()
    {
        using var scope = NewDisposeScope();
        TextureEstimate estimate = BuiltInNetwork.ResNet18.TextureEstimateFor("pool5")!;
        var error = Assert.ThrowsExactly<ArgumentException>(() => estimate.Predict(ones(1, 256, 1, 1)));
        StringAssert.Contains(error.Message, "512 weights");
        StringAssert.Contains(error.Message, "256 channels");
    }

    [TestMethod]
    public void LoadNamesTheFileThatHoldsNoEstimates()
    {
        using var stream = new MemoryStream("{\"pool5\": {\"Weights\": []}}"u8.ToArray());
        var error = Assert.ThrowsExactly<InvalidDataException>(() => TextureEstimate.Load(stream, "my.texture.json"));
        StringAssert.Contains(error.Message, "'my.texture.json'");
    }
}

using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

/// <summary>
/// Layers that are not images: a vision transformer's block outputs [N, tokens, dim]. The engine reads the patch
/// size off the token count, so stride and jitter follow the patches, and maximisation shows an embedding channel.
/// </summary>
[TestClass]
public sealed class TokenLayerTests
{
    [TestMethod]
    public void TokenLayersTakeTheirStrideFromThePatchSize()
    {
        var vit = LayerGeometry.From([197, 768], 224, 224);
        Assert.IsTrue(vit.IsTokens, "196 patch tokens of 16×16 plus a class token");
        Assert.AreEqual(16, vit.Stride);
        Assert.AreEqual(768L, vit.ChannelCount);
        Assert.AreEqual(4, vit.JitterAmount, "the IJCV jitter for stride 16");
        Assert.IsFalse(vit.IsGlobal);
        var noClassToken = LayerGeometry.From([49, 96], 224, 224);
        Assert.IsTrue(noClassToken.IsTokens);
        Assert.AreEqual(32, noClassToken.Stride);

        var logits = LayerGeometry.From([1000], 224, 224);
        Assert.IsFalse(logits.IsTokens);
        Assert.IsTrue(logits.IsGlobal);
        var convolution = LayerGeometry.From([128, 28, 28], 224, 224);
        Assert.IsFalse(convolution.IsTokens);
        Assert.AreEqual(128L, convolution.ChannelCount);
    }

    /// <summary>A patch embedding (4×4 patches) and a token-wise linear layer with a ReLU: [N, 256, 16] at 64×64.</summary>
    private static OnnxBackbone TinyTokenNetwork()
    {
        var g = new OnnxGraphBuilder("image", [1, 3, -1, -1], seed: 5);
        string patches = g.Op("Conv", ["image", g.Weight([16, 3, 4, 4], 0.3), g.Weight([16], 0.1)], ("strides", new long[] { 4, 4 }));
        string sequence = g.Op("Reshape", [patches, g.Int64s(0, 16, -1)]);
        string tokens = g.Op("Transpose", [sequence], ("perm", new long[] { 0, 2, 1 }));
        string mixed = g.Op("MatMul", [tokens, g.Weight([16, 16], 0.4)]);
        string block = g.Op("Relu", [g.Op("Add", [tokens, mixed])]);
        g.Output(block);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "tokens.onnx"), 13);
        return OnnxBackbone.Load(path, aliases: new Dictionary<string, string> { ["block"] = block });
    }

    [TestMethod]
    public void InversionOfATokenLayerBeatsNaiveOnRoughness()
    {
        using var backbone = TinyTokenNetwork();
        using var scope = NewDisposeScope();
        Assert.IsTrue(LayerGeometry.Of(backbone, "block", 64, 64).IsTokens);
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), 64, 64);

        NaiveComparison.AssertSmootherThanNaive(backbone, "block", photo, 100, "patch-embedding graph");
    }

    [TestMethod]
    public void MaximisingATokenLayersChannelMakesItFireMoreThanOnThePhotograph()
    {
        using var backbone = TinyTokenNetwork();
        using var scope = NewDisposeScope();
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("coffee.png"), 64, 64);
        long[] channels = [2, 11];
        using var result = new ActivationMaximizer(backbone, "block", new InversionOptions { Iterations = 60 }).Maximize(channels, 64, 64);
        using (no_grad())
        {
            Tensor onPhoto = backbone.Featurize(photo, "block")[0];
            for (int i = 0; i < channels.Length; i++)
            {
                double photoMean = onPhoto[.., channels[i]].mean().item<float>();
                Console.WriteLine($"channel {channels[i]}: {result.Scores[i]:F3} generated vs {photoMean:F3} on the photograph");
                Assert.IsGreaterThan(photoMean, result.Scores[i], $"channel {channels[i]} (the mean over tokens of embedding channel {channels[i]})");
            }
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ActivationMaximizer(backbone, "block").Maximize([16], 64, 64), "16 embedding channels: 0–15");
    }

    [TestMethod]
    public void MaximisingOneTokensUnitMakesThatTokenFireAboveTheRest()
    {
        using var backbone = TinyTokenNetwork();
        using var scope = NewDisposeScope();
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("coffee.png"), 64, 64);
        long[] channels = [2, 11], tokens = [37, 200];
        using var result = new ActivationMaximizer(backbone, "block", new InversionOptions { Iterations = 60 }).MaximizeUnits(channels, tokens, 64, 64);
        using (no_grad())
        {
            Tensor onPhoto = backbone.Featurize(photo, "block")[0];
            Tensor generated = backbone.Featurize(result.Images, "block");
            for (int i = 0; i < channels.Length; i++)
            {
                Tensor channel = generated[i, .., channels[i]];
                double unit = channel[tokens[i]].item<float>();
                double others = cat([channel[..(int)tokens[i]], channel[(int)(tokens[i] + 1)..]]).mean().item<float>();
                double photoUnit = onPhoto[tokens[i], channels[i]].item<float>();
                Console.WriteLine($"channel {channels[i]} at token {tokens[i]}: {unit:F3} (score {result.Scores[i]:F3}); other tokens {others:F3}; photograph {photoUnit:F3}");
                Assert.AreEqual(unit, result.Scores[i], 1e-3 * Math.Max(1, Math.Abs(unit)), "the score is that unit's activation on the returned image");
                Assert.IsGreaterThan(photoUnit, unit, "the unit fires more than on the photograph");
                Assert.IsGreaterThan(2 * Math.Max(others, 0), unit, "only the chosen token is driven up");
            }
        }
        var maximizer = new ActivationMaximizer(backbone, "block");
        var outside = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => maximizer.MaximizeUnits([2], [256], 64, 64));
        StringAssert.Contains(outside.Message, "256 tokens");
        Assert.ThrowsExactly<ArgumentException>(() => maximizer.MaximizeUnits([2, 3], [5], 64, 64), "one position per channel");
    }
}

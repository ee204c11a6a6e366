using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
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

        NaiveComparison.AssertSmootherThanNaive(backbone, layer, photo, 80, file);
    }
}

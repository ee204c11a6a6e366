using Microsoft.ML.Inversion.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

[TestClass]
public sealed class TorchModuleBackboneTests
{
    [TestMethod]
    public void TorchVisionResNetLoadsWeightsFileAndStopsAtTheAddressedModule()
    {
        random.manual_seed(11);
        using var reference = torchvision.models.resnet18();
        reference.eval();
        string weights = Path.Combine(TestEnvironment.NewTempFolder(), "resnet18.dat");
        reference.save(weights);

        using var backbone = TorchVisionBackbones.Create("ResNet18", weights);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor input = randn(1, 3, 64, 64, generator: new Generator(2));

        // What layer2 computes, by hand from the reference module's children.
        var children = reference.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        Tensor expected = input;
        foreach (string name in new[] { "conv1", "bn1", "relu", "maxpool", "layer1", "layer2" })
            expected = children[name].call(expected);

        int layer3Calls = 0;
        var counter = ((nn.Module<Tensor, Tensor>)backbone.Module.named_children().Single(c => c.name == "layer3").module)
            .register_forward_hook((_, _, o) => { layer3Calls++; return o; });
        Tensor actual = backbone.Forward(input, "stage2");
        counter.remove();

        Assert.IsTrue(allclose(actual, expected, rtol: 1e-5, atol: 1e-6), "layer2 output differs from the reference network");
        Assert.AreEqual(0, layer3Calls, "nothing after the addressed layer may run");
        CollectionAssert.AreEqual(new long[] { 256, 4, 4 }, backbone.DescribeLayer("layer3", 64, 64).Shape.ToArray());
        CollectionAssert.AreEqual(new long[] { 128, 8, 8 }, backbone.DescribeLayer("layer2.1.conv1", 64, 64).Shape.ToArray());
        Assert.IsFalse(backbone.Module.parameters().Any(p => p.requires_grad), "weights are frozen");
        Assert.AreEqual(1, backbone.DescribeLayer("maxpool").ConvolutionCount, "the stem");
        Assert.AreEqual(5, backbone.DescribeLayer("layer1").ConvolutionCount, "a container counts its children's convolutions");
        Assert.AreEqual(6, backbone.DescribeLayer("layer2.0.conv1").ConvolutionCount, "a convolution counts itself");
    }

    [TestMethod]
    public void AnyUserModuleWithNamedChildrenIsAddressableByPath()
    {
        var conv = nn.Conv2d(3, 4, 3, padding: 1);
        var network = nn.Sequential(("conv", conv), ("act", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("head", nn.Conv2d(4, 2, 1)));
        using var backbone = new TorchModuleBackbone(network, name: "tiny");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor input = randn(2, 3, 8, 8, generator: new Generator(4));

        Tensor[] outputs = backbone.Forward(input, ["act", "pool"]);

        Assert.IsTrue(allclose(outputs[0], nn.functional.relu(conv.call(input))));
        Assert.IsTrue(allclose(outputs[1], nn.functional.max_pool2d(nn.functional.relu(conv.call(input)), [2, 2])));
        CollectionAssert.AreEqual(new[] { "conv", "act", "pool", "head" }, backbone.DescribeLayers(8, 8).Select(l => l.Name).ToArray());
        var e = Assert.ThrowsExactly<UnknownLayerException>(() => backbone.Forward(input, "pol"));
        CollectionAssert.Contains(e.CloseMatches.ToArray(), "pool");
    }

    [TestMethod]
    public void UnknownArchitectureAndMissingWeightsFileAreClearErrors()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => TorchVisionBackbones.Create("resnet19"));
        StringAssert.Contains(e.Message, "resnet18");
        Assert.ThrowsExactly<FileNotFoundException>(() => TorchVisionBackbones.Create("vgg16", "/nonexistent/vgg16.dat"));
    }
}

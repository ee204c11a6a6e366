using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

[TestClass]
public sealed class ChannelsLastTests
{
    [TestMethod]
    public void ChannelsLastGivesTheSameFeaturesAndInputGradientInNhwcLayout()
    {
        using var scope = NewDisposeScope();
        OnnxBackbone network = BuiltInNetwork.ResNet18;
        Tensor input = network.Preprocessing.ToNetworkInput(ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), 96, 96));

        (Tensor Features, Tensor Gradient) Run(ExecutionSettings execution) => ForwardAndGradient.Run(network, input, "stage2", execution);

        var standard = Run(ExecutionSettings.Default);
        var nhwc = Run(new ExecutionSettings { ChannelsLast = true });
        // Channels-last strides: the channel index moves fastest.
        Assert.AreEqual(1L, nhwc.Features.stride(1), "the layer's output is channels-last");
        Assert.AreNotEqual(1L, standard.Features.stride(1), "the default output is not");
        double featureDifference = ((nhwc.Features - standard.Features).norm() / standard.Features.norm()).item<float>();
        double gradientDifference = ((nhwc.Gradient - standard.Gradient).norm() / standard.Gradient.norm()).item<float>();
        Assert.IsLessThan(1e-5, featureDifference, "relative feature difference");
        Assert.IsLessThan(1e-4, gradientDifference, "relative input-gradient difference");
        Assert.AreNotEqual(1L, Run(ExecutionSettings.Default).Features.stride(1), "the layout was this call's alone: the next call is back to NCHW");
    }

    [TestMethod]
    public void LayoutPerOperatorKeepsLargeMapsChannelsLastAndSmallOnesInTheDefaultLayout()
    {
        using var scope = NewDisposeScope();
        OnnxBackbone network = BuiltInNetwork.ResNet18;
        Tensor input = network.Preprocessing.ToNetworkInput(ImageTensors.LoadCentered(TestEnvironment.Photograph("coffee.png"), 224, 224));
        string[] layers = ["stage2", "stage4"];
        Tensor[] standard = network.Forward(input, layers);
        Tensor[] mixed = network.Forward(input, layers, ExecutionSettings.LayoutPerOperator);

        Assert.AreEqual(1L, mixed[0].stride(1), "stage2 (28×28) stays channels-last");
        Assert.AreNotEqual(1L, mixed[1].stride(1), "stage4 (7×7) runs in the default layout");
        for (int i = 0; i < layers.Length; i++)
        {
            double difference = ((mixed[i] - standard[i]).norm() / standard[i].norm()).item<float>();
            Assert.IsLessThan(1e-5, difference, $"{layers[i]}: relative feature difference");
        }
    }
}

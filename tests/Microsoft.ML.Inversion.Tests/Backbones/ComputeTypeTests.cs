using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

[TestClass]
public sealed class ComputeTypeTests
{
    [TestMethod]
    public void BFloat16ComputeGivesFloat32FeaturesAndGradientCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        OnnxBackbone network = BuiltInNetwork.ResNet18;
        Tensor input = network.Preprocessing.ToNetworkInput(ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), 96, 96));

        (Tensor Features, Tensor Gradient) Run(ExecutionSettings execution) => ForwardAndGradient.Run(network, input, "stage3", execution);

        var full = Run(network.OptimizationExecution);
        var reduced = Run(network.OptimizationExecution with { ComputeType = ScalarType.BFloat16 });
        Assert.AreEqual(ScalarType.Float32, reduced.Features.dtype, "outputs come back in the input's type");
        Assert.AreEqual(ScalarType.Float32, reduced.Gradient.dtype, "the input's gradient is in the input's type");
        double featureDifference = ((reduced.Features - full.Features).norm() / full.Features.norm()).item<float>();
        double gradientCosine = (reduced.Gradient * full.Gradient).sum().item<float>() / (reduced.Gradient.norm() * full.Gradient.norm()).item<float>();
        // bfloat16 keeps 8 significant bits (relative rounding 2^-9 per value): the network really ran in it, and stays close.
        Assert.IsGreaterThan(1e-4, featureDifference, "relative feature difference: the network computed in bfloat16");
        Assert.IsLessThan(0.03, featureDifference, "relative feature difference");
        Console.WriteLine($"relative feature difference {featureDifference:E2}, gradient cosine {gradientCosine:F4}");
        // Within 18° of the float32 gradient (13 convolutions of rounding; 0.97 on this photograph): the direction the optimiser follows.
        Assert.IsGreaterThan(0.95, gradientCosine, "the input gradient points the same way");
        double again = ((Run(network.OptimizationExecution).Features - full.Features).norm() / full.Features.norm()).item<float>();
        Assert.IsLessThan(1e-6, again, "the type was that call's alone: the next call computes in float32");
    }

    [TestMethod]
    public void ABackboneThatCannotChangeTypeSaysSo()
    {
        var network = nn.Sequential(("conv", nn.Conv2d(3, 4, 3, padding: 1)), ("act", nn.ReLU()));
        using var backbone = new TorchModuleBackbone(network, name: "tiny");
        using var scope = NewDisposeScope();
        Tensor input = randn(1, 3, 8, 8, generator: new Generator(4));

        Assert.IsFalse(backbone.SupportsComputeType(ScalarType.BFloat16));
        var e = Assert.ThrowsExactly<NotSupportedException>(() => backbone.Forward(input, "act", new ExecutionSettings { ComputeType = ScalarType.BFloat16 }));
        StringAssert.Contains(e.Message, "tiny");
        StringAssert.Contains(e.Message, "BFloat16");
        Assert.AreEqual(ScalarType.Float32, backbone.Forward(input, "act", new ExecutionSettings { ComputeType = ScalarType.Float32 }).dtype,
            "its own type is no change");
    }
}

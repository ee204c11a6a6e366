using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

[TestClass]
public sealed class ResNet18ImportTests
{
    private static OnnxBackbone Network => BuiltInNetwork.ResNet18;

    [TestMethod]
    [DataRow("astronaut.png")]
    [DataRow("chelsea.png")]
    [DataRow("coffee.png")]
    public void MatchesOnnxRuntimeAtIntermediateAndFinalLayers(string imageName)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor rgb = ImageTensors.LoadCentered(TestEnvironment.Photograph(imageName), 224, 224);

        // Preprocessing: ours against ONNX Runtime running ResNetPreprocess.onnx.
        Tensor input = Network.Preprocessing.ToNetworkInput(rgb);
        float[] referenceInput = OnnxRuntimeReference.Run(BuiltInNetwork.PreprocessPath, rgb, ["PreprocessedInput"])[0];
        Assert.IsLessThan(1e-6, OnnxRuntimeReference.RelativeL2(input.data<float>().ToArray(), referenceInput));

        string[] layers = ["conv1", "stage2", "stage3", "stage4", "pool5"];
        string[] nodeOutputs = layers.Select(Network.ResolveLayer).ToArray();
        Tensor[] ours = Network.Forward(input, layers);
        float[][] reference = OnnxRuntimeReference.Run(BuiltInNetwork.ModelPath, input, nodeOutputs);
        for (int i = 0; i < layers.Length; i++)
        {
            double error = OnnxRuntimeReference.RelativeL2(ours[i].data<float>().ToArray(), reference[i]);
            Console.WriteLine($"{imageName} {layers[i]}: relative L2 error {error:E2}");
            Assert.IsLessThan(1e-4, error, $"{layers[i]} ({nodeOutputs[i]}) differs from ONNX Runtime");
        }
    }

    [TestMethod]
    public void AliasesHaveTheDocumentedShapes()
    {
        var expected = new Dictionary<string, long[]>
        {
            ["conv1"] = [64, 112, 112],
            ["pool1"] = [64, 56, 56],
            ["stage1"] = [64, 56, 56],
            ["stage2"] = [128, 28, 28],
            ["stage3"] = [256, 14, 14],
            ["stage4"] = [512, 7, 7],
            ["pool5"] = [512, 1, 1],
        };
        foreach (var (alias, shape) in expected)
        {
            BackboneLayer layer = Network.DescribeLayer(alias);
            CollectionAssert.AreEqual(shape, layer.Shape.ToArray(), alias);
            CollectionAssert.Contains(layer.Aliases.ToArray(), alias);
        }
        Assert.HasCount(74, Network.DescribeLayers(), "every node output of the CNTK ResNet18 (22 Conv, 22 BN, 19 ReLU, 9 Add, 2 pools) is a layer");
        Assert.AreEqual("ReLU253_Output_0", Network.ResolveLayer("ReLU253"), "node names address their output");
        Assert.AreEqual("ReLU253_Output_0", Network.ResolveLayer("CONV1"), "aliases are case-insensitive");
    }

    [TestMethod]
    public void LayersCountTheConvolutionsBeforeThem()
    {
        // The stem is one convolution, stage1's two basic blocks two each, stage2 a projection shortcut more; all 22 by pool5.
        var expected = new Dictionary<string, int> { ["conv1"] = 1, ["pool1"] = 1, ["stage1"] = 5, ["stage2"] = 10, ["stage4"] = 22, ["pool5"] = 22 };
        foreach (var (alias, count) in expected)
            Assert.AreEqual(count, Network.DescribeLayer(alias).ConvolutionCount, $"{alias}: {Network.DescribeLayer(alias).ConvolutionCount} convolutions");
        Assert.AreEqual(5, Inversion.Engine.LayerGeometry.Of(Network, "stage1", 224, 224).ConvolutionCount, "the presets see it");
        Assert.AreEqual(Network.DescribeLayer("stage3").ConvolutionCount, Network.DescribeLayers().Single(l => l.Aliases.Contains("stage3")).ConvolutionCount);
    }

    [TestMethod]
    public void TruncationRunsOnlyTheLayersBeforeTheTarget()
    {
        CollectionAssert.AreEqual(new[] { "Convolution249", "BatchNormalization251", "ReLU253" },
            Network.Graph.NodesNeededFor(Network.ResolveLayer("conv1")).ToArray());
        int all = Network.Graph.Nodes.Count;
        int toStage2 = Network.Graph.NodesNeededFor(Network.ResolveLayer("stage2")).Count;
        Assert.IsLessThan(all / 2, toStage2);
    }

    [TestMethod]
    public void InputGradientOfATruncatedOutputMatchesFiniteDifferences()
    {
        using var network = PretrainedBackbones.ResNet18(floatType: ScalarType.Float64);
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        Tensor x = (randn([1, 3, 40, 40], ScalarType.Float64, generator: generator) * 50).requires_grad_(true);
        Tensor weights = randn([1, 64, 10, 10], ScalarType.Float64, generator: generator);
        Tensor Objective(Tensor input) => (network.Forward(input, "stage1") * weights).sum();

        Objective(x).backward();
        double[] analytic = x.grad!.data<double>().ToArray();

        const double step = 1e-5;
        int[] probes = [0, 137, 1600 + 820, 3 * 1600 - 1, 2 * 1600 + 41 * 7];
        using var noGrad = no_grad();
        foreach (int index in probes)
        {
            Tensor plus = x.detach().clone(), minus = x.detach().clone();
            plus.view(-1)[index] += step;
            minus.view(-1)[index] -= step;
            double numeric = (Objective(plus).item<double>() - Objective(minus).item<double>()) / (2 * step);
            Assert.AreEqual(numeric, analytic[index], 1e-5 * Math.Max(1, Math.Abs(numeric)), $"gradient at {index}");
        }
        Assert.IsGreaterThan(0, analytic.Count(g => g != 0), "the gradient must not vanish");
    }

    [TestMethod]
    public void FoldedBatchNormalizationGivesTheUnfoldedValuesAndInputGradients()
    {
        Assert.AreEqual(22, Network.Graph.FoldedNormalizations, "each of the 22 Conv+BN pairs runs as one convolution");
        using var unfolded = Onnx.OnnxGraphModule.Load(BuiltInNetwork.ModelPath, new Onnx.OnnxImportOptions { FoldBatchNormalization = false });
        Assert.AreEqual(0, unfolded.FoldedNormalizations);
        using var scope = NewDisposeScope();
        Tensor rgb = ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), 224, 224);
        Tensor input = Network.Preprocessing.ToNetworkInput(rgb);

        // Values: the normalised outputs, and a convolution's own output (asked for, so that pair runs unfolded).
        string convolution = Network.Graph.Nodes.First(n => n.Name == "Convolution249").Outputs[0];
        string[] values = [Network.ResolveLayer("conv1"), Network.ResolveLayer("stage2"), Network.ResolveLayer("pool5"), convolution];
        using (no_grad())
        {
            Tensor[] folded = Network.Graph.Evaluate(input, values);
            Tensor[] reference = unfolded.Evaluate(input, values);
            for (int i = 0; i < values.Length; i++)
            {
                double error = OnnxRuntimeReference.RelativeL2(folded[i].data<float>().ToArray(), reference[i].data<float>().ToArray());
                Assert.IsLessThan(1e-5, error, $"{values[i]}: relative L2 error {error:E2}");
            }
        }

        // Gradients with respect to the input, from a mid-graph layer, in float64: folding is exact up to rounding,
        // and in float32 a ReLU whose input lies within rounding of zero may switch either way (one such unit moves
        // the input gradient by ~1e-3 relative), folded or not; in float64 no unit is that close.
        using var folded64 = Onnx.OnnxGraphModule.Load(BuiltInNetwork.ModelPath, new Onnx.OnnxImportOptions { FloatType = ScalarType.Float64 });
        using var unfolded64 = Onnx.OnnxGraphModule.Load(BuiltInNetwork.ModelPath, new Onnx.OnnxImportOptions { FloatType = ScalarType.Float64, FoldBatchNormalization = false });
        Assert.AreEqual(22, folded64.FoldedNormalizations);
        var generator = new Generator(11);
        Tensor weights = randn([1, 256, 14, 14], ScalarType.Float64, generator: generator);
        double[] Gradient(Onnx.OnnxGraphModule graph)
        {
            Tensor x = input.to_type(ScalarType.Float64).detach().clone().requires_grad_(true);
            (graph.Evaluate(x, Network.ResolveLayer("stage3")) * weights).sum().backward();
            return x.grad!.data<double>().ToArray();
        }
        double[] foldedGradient = Gradient(folded64), unfoldedGradient = Gradient(unfolded64);
        double difference = Math.Sqrt(foldedGradient.Zip(unfoldedGradient, (a, b) => (a - b) * (a - b)).Sum());
        double gradientError = difference / Math.Sqrt(unfoldedGradient.Sum(g => g * g));
        Assert.IsLessThan(1e-10, gradientError, $"input gradient at stage3: relative L2 error {gradientError:E2}");
        Assert.IsGreaterThan(0, foldedGradient.Count(g => g != 0), "the gradient must not vanish");
    }
}

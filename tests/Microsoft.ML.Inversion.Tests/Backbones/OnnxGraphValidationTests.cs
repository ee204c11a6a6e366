using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>Graphs with structural faults, built by the tests: each is refused with its own message.</summary>
[TestClass]
public sealed class OnnxGraphValidationTests
{
    // Height and width left open: the importer cannot run the graph at load, so only its static checks apply.
    private static readonly long[] OpenSize = [1, 3, -1, -1];

    private static string Save(OnnxGraphBuilder g, string name, long? opset = 13) =>
        g.Save(Path.Combine(TestEnvironment.NewTempFolder(), name), opset);

    private static string NodeName(OnnxGraphBuilder g, string output) => $"'{g.Producer(output).Name}'";

    [TestMethod]
    public void AModelWithoutADefaultDomainOpsetIsRefused()
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        g.Output(g.Op("Relu", ["x"]));
        OnnxImportAssert.RefusedAtLoad(Save(g, "no-opset.onnx", opset: null), "no opset_import for the default ONNX domain");
    }

    [TestMethod]
    public void ACycleIsRefusedNamingTheNodesInIt()
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string sum = g.Op("Add", ["x", "x"]);
        string relu = g.Op("Relu", [sum]);
        string result = g.Op("Sigmoid", [relu]);
        g.Output(result);
        g.Producer(sum).Input[1] = relu;
        OnnxImportAssert.RefusedAtLoad(Save(g, "cycle.onnx"), "cycle", NodeName(g, sum), NodeName(g, relu));
    }

    [TestMethod]
    public void AnInputNothingProducesIsRefusedNamingTheNodeAndTheValue()
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string sum = g.Op("Add", ["x", "ghost"]);
        g.Output(sum);
        OnnxImportAssert.RefusedAtLoad(Save(g, "ghost.onnx"), NodeName(g, sum), "input 'ghost' is produced by no node, initializer, Constant or graph input");
    }

    [TestMethod]
    public void AValueDefinedTwiceIsRefused()
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string relu = g.Op("Relu", ["x"]);
        string sigmoid = g.Op("Sigmoid", ["x"]);
        g.Producer(sigmoid).Output[0] = relu;
        g.Output(relu);
        OnnxImportAssert.RefusedAtLoad(Save(g, "twice.onnx"), $"value '{relu}' is defined twice");
    }

    [TestMethod]
    public void NodesListedOutOfOrderRunAfterTheirInputs()
    {
        var g = new OnnxGraphBuilder("x", [1, 3, 5, 5]);
        string relu = g.Op("Relu", ["x"]);
        string sigmoid = g.Op("Sigmoid", [relu]);
        string sum = g.Op("Add", [relu, sigmoid]);
        g.Output(sum);
        string sorted = Save(g, "sorted.onnx");
        var reversed = g.Graph.Node.Reverse().ToArray();
        g.Graph.Node.Clear();
        g.Graph.Node.AddRange(reversed);
        string shuffled = Save(g, "reversed.onnx");

        using var scope = NewDisposeScope();
        using var a = OnnxGraphModule.Load(sorted);
        using var b = OnnxGraphModule.Load(shuffled);
        Tensor input = randn([1, 3, 5, 5], generator: new Generator(2));
        CollectionAssert.AreEqual(a.forward(input).data<float>().ToArray(), b.forward(input).data<float>().ToArray());
        CollectionAssert.AreEqual(a.Nodes.Select(n => n.Name).ToArray(), b.Nodes.Select(n => n.Name).ToArray());
    }

    [TestMethod]
    [DataRow(0L, 3L)]
    [DataRow(8L, 0L)]
    public void AConvolutionWeightWithoutChannelsIsRefusedAtLoad(long outputChannels, long inputChannels)
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string weight = g.Weight([outputChannels, inputChannels, 3, 3]);
        string conv = g.Op("Conv", ["x", weight]);
        g.Output(conv);
        OnnxImportAssert.RefusedAtLoad(Save(g, "empty-conv.onnx"), NodeName(g, conv),
            $"weight '{weight}' has shape [{outputChannels}, {inputChannels}, 3, 3]", "every size positive");
    }

    [TestMethod]
    [DataRow("Reshape")]
    [DataRow("Expand")]
    [DataRow("ConstantOfShape")]
    public void AConstantShapeOverTheElementLimitIsRefusedAtLoad(string op)
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string shape = g.Int64s(64, 1000, 1000, 640); // 164 GB of float32
        string node = op == "ConstantOfShape" ? g.Op(op, [shape]) : g.Op(op, ["x", shape]);
        g.Output(node);
        OnnxImportAssert.RefusedAtLoad(Save(g, $"huge-{op}.onnx"), NodeName(g, node),
            "[64, 1000, 1000, 640]", $"more than {OnnxGraphModule.MaxTensorElements} elements");
    }

    [TestMethod]
    public void APadOverTheElementLimitIsAGraphErrorNotASizeProblem()
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string padded = g.Op("Pad", ["x", g.Int64s(0, 0, 100000, 100000, 0, 0, 100000, 100000)]);
        g.Output(padded);
        AssertDescribeLayerRefuses(Save(g, "huge-pad.onnx"), padded, NodeName(g, padded), "the padded shape [1, 3, 200064, 200064]");
    }

    [TestMethod]
    public void AComputedShapeOverTheElementLimitIsAGraphErrorNotASizeProblem()
    {
        var g = new OnnxGraphBuilder("x", OpenSize);
        string scaled = g.Op("Mul", [g.Op("Shape", ["x"]), g.Int64s(1000)]);
        string filled = g.Op("ConstantOfShape", [scaled]);
        g.Output(filled);
        AssertDescribeLayerRefuses(Save(g, "computed-shape.onnx"), filled, NodeName(g, filled), "[1000, 3000, 64000, 64000]");
    }

    [TestMethod]
    public void AGraphThatFailsOnItsDeclaredInputIsRefusedAtLoad()
    {
        var g = new OnnxGraphBuilder("x", [1, 3, 8, 8]);
        string reshaped = g.Op("Reshape", [g.Op("Relu", ["x"]), g.Int64s(1, 100)]);
        g.Output(reshaped);
        OnnxImportAssert.RefusedAtLoad(Save(g, "bad-reshape.onnx"), "does not run on its own declared input shape [1, 3, 8, 8]", NodeName(g, reshaped));

        var padding = new OnnxGraphBuilder("x", [1, 3, 64, 64]);
        string padded = padding.Op("Pad", ["x", padding.Int64s(0, 0, 100000, 100000, 0, 0, 100000, 100000)]);
        padding.Output(padded);
        OnnxImportAssert.RefusedAtLoad(Save(padding, "fixed-huge-pad.onnx"), NodeName(padding, padded), "the padded shape");
    }

    [TestMethod]
    public void ExpandBroadcastsLikeOnnxRuntime()
    {
        long[] shape = [2, 1, 4, 1];
        var g = new OnnxGraphBuilder("x", shape);
        string wider = g.Op("Expand", ["x", g.Int64s(3, 1, 5)]);
        string same = g.Op("Expand", ["x", g.Int64s(1, 1)]);
        g.Output(wider);
        g.Output(same);
        string path = Save(g, "expand.onnx");
        using (var module = OnnxGraphModule.Load(path))
        using (var scope = NewDisposeScope())
            CollectionAssert.AreEqual(new long[] { 2, 3, 4, 5 }, module.Evaluate(ones(shape), wider).shape);
        OnnxOperatorEquivalenceTests.AssertMatchesOnnxRuntime(path, shape, [wider, same]);
    }

    private static void AssertDescribeLayerRefuses(string path, string layer, params string[] expected)
    {
        using var backbone = OnnxBackbone.Load(path);
        var e = Assert.ThrowsExactly<OnnxImportException>(() => backbone.DescribeLayer(layer, 64, 64));
        Console.WriteLine(e.Message);
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, $"more than {OnnxGraphModule.MaxTensorElements} elements");
        foreach (string part in expected)
            StringAssert.Contains(e.Message, part);
        Assert.DoesNotContain("too small", e.Message);
    }
}

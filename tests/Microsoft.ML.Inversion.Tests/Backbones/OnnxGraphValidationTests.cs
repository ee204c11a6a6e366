using Microsoft.ML.Inversion.Onnx;
using Microsoft.VisualStudio.TestTools.UnitTesting;
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
}

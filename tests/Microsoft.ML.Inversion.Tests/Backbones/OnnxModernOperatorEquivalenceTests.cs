using Microsoft.ML.Inversion.Onnx;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// The operators transformer and mobile networks use, in the attribute and input forms opsets 9–20 write, each
/// in a graph written by the test and run by our importer and by ONNX Runtime.
/// </summary>
[TestClass]
public sealed class OnnxModernOperatorEquivalenceTests
{
    private static readonly long[] Hw = [2, 3];

    private static void Check(OnnxGraphBuilder g, long opset, long[] shape, params string[] outputs)
    {
        foreach (string o in outputs)
            g.Output(o);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), $"opset{opset}.onnx"), opset);
        OnnxOperatorEquivalenceTests.AssertMatchesOnnxRuntime(path, shape, outputs);
    }

    private static TensorProto FloatScalar(float value) => new() { DataType = 1, FloatData = { value } };

    [TestMethod]
    public void ReductionsWithAxesAsAttributesMatchOnnxRuntime()
    {
        long[] shape = [2, 3, 5, 4];
        var g = new OnnxGraphBuilder("x", shape);
        string mean = g.Op("ReduceMean", ["x"], ("axes", Hw));
        string max = g.Op("ReduceMax", ["x"], ("axes", new long[] { 1 }), ("keepdims", 0L));
        string min = g.Op("ReduceMin", ["x"], ("axes", new long[] { -1, 0 }));
        string l1 = g.Op("ReduceL1", ["x"], ("axes", new long[] { 2 }));
        string l2 = g.Op("ReduceL2", ["x"], ("axes", new long[] { 1 }), ("keepdims", 1L));
        string sumSquare = g.Op("ReduceSumSquare", ["x"], ("axes", Hw), ("keepdims", 0L));
        string logSumExp = g.Op("ReduceLogSumExp", ["x"], ("axes", new long[] { 1, 3 }));
        string all = g.Op("ReduceMean", ["x"], ("keepdims", 0L));
        // Opset 11 ReduceSum still takes its axes as an attribute.
        string sum = g.Op("ReduceSum", ["x"], ("axes", new long[] { 3 }));
        Check(g, 11, shape, mean, max, min, l1, l2, sumSquare, logSumExp, all, sum);
    }

    [TestMethod]
    public void ReductionsWithAxesAsInputsMatchOnnxRuntime()
    {
        long[] shape = [2, 3, 5, 4];
        var g = new OnnxGraphBuilder("x", shape);
        string mean = g.Op("ReduceMean", ["x", g.Int64s(2, 3)]);
        string max = g.Op("ReduceMax", ["x", g.Int64s(-3)], ("keepdims", 0L));
        string l2 = g.Op("ReduceL2", ["x", g.Int64s(1)]);
        string sum = g.Op("ReduceSum", ["x", g.Int64s(0, 2)], ("keepdims", 0L));
        string sumAll = g.Op("ReduceSum", ["x"]);
        // noop_with_empty_axes: no axes is the identity, not a reduction over everything.
        string kept = g.Op("ReduceMin", ["x"], ("noop_with_empty_axes", 1L));
        Check(g, 18, shape, mean, max, l2, sum, sumAll, kept);
    }

    [TestMethod]
    public void ActivationsAndUnaryFunctionsMatchOnnxRuntime()
    {
        long[] shape = [2, 4, 5, 3];
        var g = new OnnxGraphBuilder("x", shape);
        string hardSigmoid = g.Op("HardSigmoid", ["x"], ("alpha", 0.3f), ("beta", 0.4f));
        string hardSigmoidDefault = g.Op("HardSigmoid", ["x"]);
        string hardSwish = g.Op("HardSwish", ["x"]);
        string erf = g.Op("Erf", ["x"]);
        string softplus = g.Op("Softplus", ["x"]);
        string softsign = g.Op("Softsign", ["x"]);
        string elu = g.Op("Elu", ["x"], ("alpha", 0.7f));
        string selu = g.Op("Selu", ["x"]);
        string neg = g.Op("Neg", ["x"]);
        string positive = g.Op("Add", [g.Op("Abs", ["x"]), g.Weight([1], 0, 0.5)]);
        string sqrt = g.Op("Sqrt", [positive]);
        string reciprocal = g.Op("Reciprocal", [positive]);
        string log = g.Op("Log", [positive]);
        string exp = g.Op("Exp", [g.Op("Mul", ["x", g.Weight([1], 0, 0.5)])]);
        string floor = g.Op("Floor", ["x"]);
        string ceil = g.Op("Ceil", ["x"]);
        string squared = g.Op("Pow", ["x", g.Weight([], 0, 2)]);
        string power = g.Op("Pow", [positive, g.Weight([3], 1, 0)]);
        string integerPower = g.Op("Pow", ["x", g.Int64s(3)]);
        string fmod = g.Op("Mod", ["x", g.Weight([1], 0, 0.7)], ("fmod", 1L));
        string max = g.Op("Max", ["x", neg, g.Weight([3])]);
        string min = g.Op("Min", ["x", g.Weight([5, 1])]);
        string mean = g.Op("Mean", ["x", neg, exp]);
        string logSoftmax = g.Op("LogSoftmax", ["x"], ("axis", 1L));
        Check(g, 14, shape, hardSigmoid, hardSigmoidDefault, hardSwish, erf, softplus, softsign, elu, selu, neg, sqrt,
            reciprocal, log, exp, floor, ceil, squared, power, integerPower, fmod, max, min, mean, logSoftmax);
    }

    [TestMethod]
    public void GeluAndMishAtOpset20MatchOnnxRuntime()
    {
        long[] shape = [1, 3, 4, 4];
        var g = new OnnxGraphBuilder("x", shape);
        string exact = g.Op("Gelu", ["x"]);
        string tanh = g.Op("Gelu", ["x"], ("approximate", "tanh"));
        string mish = g.Op("Mish", ["x"]);
        Check(g, 20, shape, exact, tanh, mish);
    }

    [TestMethod]
    public void LayerAndInstanceNormalizationMatchOnnxRuntime()
    {
        long[] shape = [2, 5, 4, 6];
        var g = new OnnxGraphBuilder("x", shape);
        string last = g.Op("LayerNormalization", ["x", g.Weight([6], 0.3, 1), g.Weight([6])], ("epsilon", 1e-6f));
        string lastTwo = g.Op("LayerNormalization", ["x", g.Weight([4, 6], 0.3, 1)], ("axis", 2L));
        string[] withStatistics = g.Node("LayerNormalization", ["x", g.Weight([5, 4, 6], 0.3, 1), g.Weight([5, 4, 6])], 3, ("axis", 1L));
        string instance = g.Op("InstanceNormalization", ["x", g.Weight([5], 0.3, 1), g.Weight([5])], ("epsilon", 1e-3f));
        Check(g, 17, shape, last, lastTwo, withStatistics[0], withStatistics[1], withStatistics[2], instance);
    }

    [TestMethod]
    public void ConvTransposeMatchesOnnxRuntime()
    {
        long[] shape = [2, 4, 5, 6];
        var g = new OnnxGraphBuilder("x", shape);
        string plain = g.Op("ConvTranspose", ["x", g.Weight([4, 3, 3, 3]), g.Weight([3])]);
        string strided = g.Op("ConvTranspose", ["x", g.Weight([4, 2, 4, 4]), g.Weight([2])],
            ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
        string grouped = g.Op("ConvTranspose", ["x", g.Weight([4, 3, 3, 3])], ("group", 2L), ("strides", new long[] { 2, 3 }),
            ("pads", new long[] { 1, 0, 1, 1 }), ("output_padding", new long[] { 1, 2 }), ("dilations", new long[] { 1, 2 }));
        string asymmetric = g.Op("ConvTranspose", ["x", g.Weight([4, 2, 3, 2])], ("strides", new long[] { 2, 2 }),
            ("pads", new long[] { 0, 1, 2, 0 }));
        string shaped = g.Op("ConvTranspose", ["x", g.Weight([4, 2, 3, 3]), g.Weight([2])], ("strides", new long[] { 2, 2 }),
            ("output_shape", new long[] { 10, 12 }));
        string same = g.Op("ConvTranspose", ["x", g.Weight([4, 2, 3, 3])], ("strides", new long[] { 2, 2 }), ("auto_pad", "SAME_UPPER"));
        string sameLower = g.Op("ConvTranspose", ["x", g.Weight([4, 2, 4, 3])], ("strides", new long[] { 2, 2 }), ("auto_pad", "SAME_LOWER"));
        Check(g, 13, shape, plain, strided, grouped, asymmetric, shaped, same, sameLower);
    }

    [TestMethod]
    public void EinsumAndTileMatchOnnxRuntime()
    {
        long[] shape = [2, 3, 4, 5];
        var g = new OnnxGraphBuilder("x", shape);
        string attention = g.Op("Einsum", ["x", "x"], ("equation", "b h i d, b h j d -> b h i j"));
        string contraction = g.Op("Einsum", ["x", g.Weight([5, 6])], ("equation", "bcij,jk->bcik"));
        string dot = g.Op("Einsum", ["x", "x"], ("equation", "bcij,bcij->bc"));
        string tiled = g.Op("Tile", ["x", g.Int64s(1, 2, 1, 3)]);
        Check(g, 13, shape, attention, contraction, dot, tiled);
    }

    [TestMethod]
    public void ResizeAtOpset13MatchesOnnxRuntime()
    {
        long[] shape = [1, 2, 5, 7];
        var g = new OnnxGraphBuilder("x", shape);
        string Resize(string[] inputs, params (string Name, object Value)[] attributes) => g.Op("Resize", inputs, attributes);
        string scales = g.Initializer(new TensorProto { Name = "scales", DataType = 1, Dims = { 4 }, FloatData = { 1f, 1f, 2f, 1.5f } });
        string down = g.Initializer(new TensorProto { Name = "down", DataType = 1, Dims = { 4 }, FloatData = { 1f, 1f, 0.6f, 0.5f } });
        string sizes = g.Int64s(1, 2, 8, 3);
        string[] outputs =
        [
            Resize(["x", "", scales], ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor")),
            Resize(["x", "", scales], ("mode", "nearest")),
            Resize(["x", "", down], ("mode", "nearest"), ("nearest_mode", "round_prefer_ceil")),
            Resize(["x", "", scales], ("mode", "nearest"), ("coordinate_transformation_mode", "align_corners"), ("nearest_mode", "ceil")),
            Resize(["x", "", scales], ("mode", "linear")),
            Resize(["x", "", down], ("mode", "linear"), ("coordinate_transformation_mode", "pytorch_half_pixel")),
            Resize(["x", "", "", sizes], ("mode", "linear"), ("coordinate_transformation_mode", "align_corners")),
            Resize(["x", "", "", sizes], ("mode", "linear"), ("coordinate_transformation_mode", "asymmetric")),
            Resize(["x", "", scales], ("mode", "cubic")),
            Resize(["x", "", "", sizes], ("mode", "cubic"), ("cubic_coeff_a", -0.5f), ("exclude_outside", 1L)),
        ];
        Check(g, 13, shape, outputs);
    }

    [TestMethod]
    public void ResizeWithAxesAtOpset18AndTheOpset10FormMatchOnnxRuntime()
    {
        long[] shape = [1, 2, 5, 6];
        var g18 = new OnnxGraphBuilder("x", shape);
        string sized = g18.Op("Resize", ["x", "", "", g18.Int64s(9, 4)], ("axes", Hw), ("mode", "linear"));
        string nearest = g18.Op("Resize", ["x", "", "", g18.Int64s(3)], ("axes", new long[] { -1 }), ("mode", "nearest"),
            ("coordinate_transformation_mode", "half_pixel_symmetric"));
        Check(g18, 19, shape, sized, nearest);

        var g10 = new OnnxGraphBuilder("x", shape);
        var up = new TensorProto { Name = "up", DataType = 1, Dims = { 4 }, FloatData = { 1f, 1f, 2f, 3f } };
        var shrink = new TensorProto { Name = "shrink", DataType = 1, Dims = { 4 }, FloatData = { 1f, 1f, 0.5f, 0.7f } };
        g10.Initializer(up);
        g10.Initializer(shrink);
        Check(g10, 10, shape,
            g10.Op("Resize", ["x", "up"], ("mode", "nearest")),
            g10.Op("Resize", ["x", "shrink"], ("mode", "nearest")),
            g10.Op("Resize", ["x", "up"], ("mode", "linear")));
    }

    [TestMethod]
    public void UpsampleAtOpsets7And9MatchesOnnxRuntime()
    {
        long[] shape = [1, 2, 4, 5];
        var g9 = new OnnxGraphBuilder("x", shape);
        var scales = new TensorProto { Name = "scales", DataType = 1, Dims = { 4 }, FloatData = { 1f, 1f, 2f, 2.5f } };
        g9.Initializer(scales);
        Check(g9, 9, shape, g9.Op("Upsample", ["x", "scales"], ("mode", "nearest")), g9.Op("Upsample", ["x", "scales"], ("mode", "linear")));

        var g7 = new OnnxGraphBuilder("x", shape);
        var node = g7.Op("Upsample", ["x"], ("mode", "nearest"));
        var attribute = new AttributeProto { Name = "scales", Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange([1f, 1f, 3f, 2f]);
        g7.Producer(node).Attribute.Add(attribute);
        Check(g7, 7, shape, node);
    }

    /// <summary>
    /// Shape arithmetic on real integer data, as ViT and Swin exports do it: Shape, Gather, integer Div and Mod,
    /// Range, Equal, Where, Expand, Not, Concat, Slice and ScatterND, each result brought back into the float output.
    /// </summary>
    [TestMethod]
    public void IntegerShapeArithmeticAndMasksMatchOnnxRuntime()
    {
        long[] shape = [2, 3, 6, 5];
        var g = new OnnxGraphBuilder("x", shape);
        string shapeOf = g.Op("Shape", ["x"]);
        string height = g.Op("Gather", [shapeOf, g.Int64s(2)], ("axis", 0L));
        string scalarHeight = g.Op("Squeeze", [height, g.Int64s(0)]);
        string zero = g.Op("Constant", [], ("value", new TensorProto { DataType = 7, Int64Data = { 0 } }));
        string one = g.Op("Constant", [], ("value", new TensorProto { DataType = 7, Int64Data = { 1 } }));
        string rows = g.Op("Range", [zero, scalarHeight, one]);
        string everyThird = g.Op("Equal", [g.Op("Mod", [rows, g.Int64s(3)], ("fmod", 0L)), g.Int64s(0)]);
        string others = g.Op("Not", [everyThird]);
        string mask = g.Op("Unsqueeze", [g.Op("And", [others, g.Op("Greater", [rows, g.Int64s(1)])]), g.Int64s(1)]);
        string masked = g.Op("Where", [mask, "x", g.Op("Neg", ["x"])]);
        string rowIndex = g.Op("Cast", [g.Op("Unsqueeze", [rows, g.Int64s(1)])], ("to", 1L));

        // The ViT pattern: Expand to a shape whose -1 entries become 1 (Where(Equal(shape, -1), 1, shape)).
        string wanted = g.Op("Concat", [g.Int64s(-1, -1), g.Op("Slice", [shapeOf, g.Int64s(2), g.Int64s(4)])], ("axis", 0L));
        string isOpen = g.Op("Equal", [wanted, g.Int64s(-1)]);
        string expandTo = g.Op("Where", [isOpen, g.Int64s(1, 1, 1, 1), wanted]);
        string expanded = g.Op("Expand", [rowIndex, expandTo]);
        string halfWidth = g.Op("Div", [g.Op("Gather", [shapeOf, g.Int64s(3)], ("axis", 0L)), g.Int64s(2)]);
        string halfAsFloat = g.Op("Cast", [halfWidth], ("to", 1L));

        // ScatterND: rows of a zero mask replaced by rows of the input (k = 1), and single cells added (k = 2).
        string plane = g.Op("ConstantOfShape", [g.Op("Slice", [shapeOf, g.Int64s(2), g.Int64s(4)])], ("value", new TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 0.5f } }));
        var rowIndices = new TensorProto { Name = "rowIndices", DataType = 7, Dims = { 2, 1 }, Int64Data = { 0, 4 } };
        var cellIndices = new TensorProto { Name = "cellIndices", DataType = 7, Dims = { 3, 2 }, Int64Data = { 1, 1, 3, 4, 1, 1 } };
        g.Initializer(rowIndices);
        g.Initializer(cellIndices);
        string firstImageRows = g.Op("Reshape", [g.Op("Slice", ["x", g.Int64s(0, 0, 0), g.Int64s(1, 1, 2), g.Int64s(0, 1, 2)]), g.Int64s(2, 5)]);
        string scattered = g.Op("ScatterND", [plane, "rowIndices", firstImageRows]);
        string added = g.Op("ScatterND", [scattered, "cellIndices", g.Weight([3])], ("reduction", "add"));

        string total = g.Op("Add", [g.Op("Add", [g.Op("Add", [masked, expanded]), added]), halfAsFloat]);
        Check(g, 16, shape, total, g.Op("Cast", [mask], ("to", 1L)));
    }

    /// <summary>
    /// The input gradient through the new operators is the true derivative: in float64, the gradient's inner product
    /// with a random direction matches a central finite difference of the graph's output along it.
    /// </summary>
    [TestMethod]
    public void GradientsThroughTheNewOperatorsMatchFiniteDifferences()
    {
        long[] shape = [1, 3, 6, 5];
        var g = new OnnxGraphBuilder("x", shape);
        string a = g.Op("ConvTranspose", ["x", g.Weight([3, 4, 3, 3]), g.Weight([4])], ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 0, 1 }));
        string b = g.Op("HardSwish", [g.Op("LayerNormalization", [a, g.Weight([10], 0.3, 1), g.Weight([10])], ("axis", -1L))]);
        var scales = new TensorProto { Name = "scales", DataType = 1, Dims = { 4 }, FloatData = { 1f, 1f, 0.7f, 1.3f } };
        g.Initializer(scales);
        string c = g.Op("Resize", [b, "", "scales"], ("mode", "linear"));
        string d = g.Op("Resize", [c, "", "scales"], ("mode", "cubic"));
        string e = g.Op("Mul", [d, g.Op("ReduceL2", [d, g.Int64s(1)])]);
        string f = g.Op("Einsum", [e, e], ("equation", "bchw,bdhw->bcd"));
        string masked = g.Op("Where", [g.Op("Greater", [f, g.Weight([1], 0, 0)]), f, g.Op("Softplus", [f])]);
        string corner = g.Op("Reshape", [g.Op("Slice", [e, g.Int64s(0, 0, 0, 0), g.Int64s(1, 1, 1, 1)]), g.Int64s()]);
        string scattered = g.Op("ScatterND", [masked, g.Int64s(0, 1, 2), corner]);
        string output = g.Op("ReduceSum", [g.Op("Erf", [scattered])]);
        g.Output(output);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "gradients.onnx"), 18);

        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(path, new OnnxImportOptions { FloatType = ScalarType.Float64 });
        Tensor x = randn(shape, ScalarType.Float64, generator: new Generator(5)).requires_grad_(true);
        module.Evaluate(x, output).backward();
        Tensor direction = randn(shape, ScalarType.Float64, generator: new Generator(6));
        double analytic = (x.grad! * direction).sum().item<double>();
        const double step = 1e-6;
        using var noGrad = no_grad();
        double plus = module.Evaluate(x + direction * step, output).item<double>();
        double minus = module.Evaluate(x - direction * step, output).item<double>();
        double numeric = (plus - minus) / (2 * step);
        Console.WriteLine($"directional derivative: analytic {analytic:G10}, finite difference {numeric:G10}");
        Assert.IsGreaterThan(1e-3, Math.Abs(analytic), "the gradient vanished, which proves nothing");
        Assert.IsLessThan(1e-6 * Math.Max(1, Math.Abs(numeric)), Math.Abs(analytic - numeric));
    }

    [TestMethod]
    public void ResizeFormsTheImporterCannotRunAreRefusedNamingTheNode()
    {
        long[] shape = [1, 2, 4, 4];
        var g = new OnnxGraphBuilder("x", shape);
        g.Output(g.Op("Resize", ["x", "", "", g.Int64s(2, 2)], ("axes", Hw), ("mode", "linear"), ("antialias", 1L)));
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "antialias.onnx"), 18);
        OnnxImportAssert.RefusedAtLoad(path, "Resize_", "antialias=1 is not supported");
    }
}

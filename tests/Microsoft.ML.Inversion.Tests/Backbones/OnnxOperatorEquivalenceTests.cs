using Microsoft.ML.Inversion.Onnx;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// Graphs written by the tests, structurally unlike ResNet18, run by our importer and by ONNX Runtime.
/// </summary>
[TestClass]
public sealed class OnnxOperatorEquivalenceTests
{
    internal static void AssertMatchesOnnxRuntime(string path, long[] inputShape, IReadOnlyList<string> outputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var module = OnnxGraphModule.Load(path);
        Tensor input = randn(inputShape, generator: new Generator(3)) * 2;
        Tensor[] ours = module.Evaluate(input, outputs);
        float[][] reference = OnnxRuntimeReference.Run(path, input, outputs);
        for (int i = 0; i < outputs.Count; i++)
        {
            float[] actual = ours[i].to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            double error = OnnxRuntimeReference.RelativeL2(actual, reference[i]);
            Console.WriteLine($"{outputs[i]}: [{string.Join("x", ours[i].shape)}] relative L2 error {error:E2}");
            Assert.IsLessThan(1e-5, error, $"output {outputs[i]} differs from ONNX Runtime");
        }
    }

    [TestMethod]
    public void Opset13GraphWithConvPoolLrnGemmConcatPadAndShapeArithmeticMatchesOnnxRuntime()
    {
        long[] shape = [2, 3, 17, 19];
        var g = new OnnxGraphBuilder("image", shape);
        string a = g.Op("Conv", ["image", g.Weight([8, 3, 3, 3]), g.Weight([8])], ("auto_pad", "SAME_UPPER"), ("strides", new long[] { 2, 2 }));
        string b = g.Op("BatchNormalization", [a, g.Weight([8], 0.3, 1), g.Weight([8]), g.Weight([8]), g.Weight([8], 0.3, 1)], ("epsilon", 1e-3f));
        string c = g.Op("LeakyRelu", [b], ("alpha", 0.1f));
        string d = g.Op("LRN", [c], ("size", 5L), ("alpha", 1e-2f), ("beta", 0.75f), ("bias", 1.5f));
        string e = g.Op("Pad", [d, g.Int64s(0, 0, 1, 2, 0, 0, 2, 1)], ("mode", "reflect"));
        string f = g.Op("AveragePool", [e], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 0, 1 }), ("count_include_pad", 0L));
        string fIncl = g.Op("AveragePool", [e], ("kernel_shape", new long[] { 2, 3 }), ("pads", new long[] { 1, 1, 1, 1 }), ("count_include_pad", 1L));
        string pooled = g.Op("MaxPool", [c], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 0, 0 }));
        string grouped = g.Op("Conv", [pooled, g.Weight([8, 4, 3, 3])], ("group", 2L), ("dilations", new long[] { 2, 2 }), ("pads", new long[] { 2, 2, 2, 2 }));
        string sigmoid = g.Op("Sigmoid", [grouped]);
        string tanh = g.Op("Tanh", [f]);
        string[] halves = g.Node("Split", [c, g.Int64s(3, 5)], 2, ("axis", 1L));
        string swapped = g.Op("Concat", [halves[1], halves[0]], ("axis", 1L));
        string sliced = g.Op("Slice", [swapped, g.Int64s(1), g.Int64s(8), g.Int64s(2), g.Int64s(2)]);
        string reversed = g.Op("Slice", [sliced, g.Int64s(-1), g.Int64s(-100), g.Int64s(3), g.Int64s(-3)]);
        string clipped = g.Op("Clip", [sliced, g.Weight([], 0, -0.5), g.Weight([], 0, 0.7)]);
        string transposed = g.Op("Transpose", [clipped], ("perm", new long[] { 0, 1, 3, 2 }));
        string gap = g.Op("GlobalAveragePool", [f]);
        string gmp = g.Op("GlobalMaxPool", [grouped]);
        string sum = g.Op("Sum", [gap, gmp, gap]);
        string flat = g.Op("Flatten", [transposed], ("axis", 1L));
        string gemm = g.Op("Gemm", [flat, g.Weight([16, 320], 0.1), g.Weight([16])], ("transB", 1L), ("alpha", 0.5f), ("beta", 2f));
        string centred = g.Op("Sub", [gemm, g.Weight([16])]);
        string squared = g.Op("Mul", [centred, centred]);
        string ratio = g.Op("Div", [squared, g.Op("Add", [squared, g.Weight([1], 0, 1)])]);
        string softmax = g.Op("Softmax", [ratio], ("axis", 1L));
        string shapeOf = g.Op("Shape", [flat]);
        string batch = g.Op("Gather", [shapeOf, g.Int64s(0)], ("axis", 0L));
        string newShape = g.Op("Concat", [batch, g.Int64s(-1)], ("axis", 0L));
        string reshaped = g.Op("Reshape", [sum, newShape]);
        string product = g.Op("MatMul", [reshaped, g.Weight([8, 4])]);
        string kept = g.Op("Identity", [g.Op("Dropout", [product])]);
        string relu = g.Op("Relu", [kept]);
        var quarter = new TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 0.25f } };
        string filled = g.Op("ConstantOfShape", [g.Op("Shape", [relu])], ("value", quarter));
        var constant = new TensorProto { DataType = 1, Dims = { 4 }, FloatData = { 1f, -2f, 3f, -4f } };
        string final = g.Op("Add", [g.Op("Add", [relu, filled]), g.Op("Constant", [], ("value", constant))]);
        string squeezed = g.Op("Squeeze", [gap, g.Int64s(2, 3)]);
        string unsqueezed = g.Op("Unsqueeze", [squeezed, g.Int64s(0, -1)]);
        string[] outputs = [softmax, sigmoid, tanh, final, unsqueezed, e, fIncl, reversed, d];
        foreach (string o in outputs)
            g.Output(o);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "opset13.onnx"), 13);

        AssertMatchesOnnxRuntime(path, shape, outputs);
    }

    [TestMethod]
    public void Opset9AttributeFormsMatchOnnxRuntime()
    {
        long[] shape = [1, 4, 9, 8];
        var g = new OnnxGraphBuilder("data", shape, seed: 5);
        string padded = g.Op("Pad", ["data"], ("pads", new long[] { 0, 0, 2, 1, 0, 0, 1, 2 }), ("mode", "edge"));
        string constPad = g.Op("Pad", ["data"], ("pads", new long[] { 0, 1, 1, 0, 0, 0, 0, 1 }), ("value", 1.5f));
        string[] parts = g.Node("Split", [padded], 2, ("axis", 1L), ("split", new long[] { 1, 3 }));
        string sliced = g.Op("Slice", [parts[1]], ("starts", new long[] { 1, 2 }), ("ends", new long[] { 3, 1000 }), ("axes", new long[] { 1, 3 }));
        string clipped = g.Op("Clip", [sliced], ("min", -0.3f), ("max", 0.4f));
        string unsqueezed = g.Op("Unsqueeze", [g.Op("GlobalAveragePool", [parts[0]])], ("axes", new long[] { 0 }));
        string softmax = g.Op("Softmax", ["data"], ("axis", 2L));
        string average = g.Op("AveragePool", ["data"], ("kernel_shape", new long[] { 3, 3 }), ("auto_pad", "SAME_LOWER"));
        string conv = g.Op("Conv", ["data", g.Weight([2, 4, 2, 3])], ("auto_pad", "VALID"), ("strides", new long[] { 2, 1 }));
        string lrn = g.Op("LRN", ["data"], ("size", 3L), ("alpha", 1e-1f), ("beta", 0.5f));
        string[] outputs = [padded, constPad, clipped, unsqueezed, softmax, average, conv, lrn];
        foreach (string o in outputs)
            g.Output(o);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "opset9.onnx"), 9);

        AssertMatchesOnnxRuntime(path, shape, outputs);
    }

    [TestMethod]
    public void OneDimensionalConvolutionsMatchOnnxRuntime()
    {
        // Sequences [N, C, L]: 24 channels take CpuConvolution's matrix product, 64 libtorch's kernel.
        long[] shape = [2, 24, 37];
        var g = new OnnxGraphBuilder("sequence", shape, seed: 7);
        string narrow = g.Op("Conv", ["sequence", g.Weight([24, 24, 3]), g.Weight([24])], ("pads", new long[] { 1, 1 }));
        string wide = g.Op("Conv", [narrow, g.Weight([64, 24, 5])], ("strides", new long[] { 2 }), ("dilations", new long[] { 2 }), ("pads", new long[] { 2, 1 }));
        string grouped = g.Op("Conv", [wide, g.Weight([64, 16, 3])], ("group", 4L), ("pads", new long[] { 1, 1 }));
        string[] outputs = [narrow, wide, grouped];
        foreach (string o in outputs)
            g.Output(o);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "conv1d.onnx"), 13);

        AssertMatchesOnnxRuntime(path, shape, outputs);
        using var scope = NewDisposeScope();
        using var module = OnnxGraphModule.Load(path);
        foreach (Tensor output in module.Evaluate(randn(shape, generator: new Generator(3)), outputs))
            Assert.IsGreaterThan(0.0, output.abs().max().item<float>(), "an all-zero output would prove nothing");
    }
}

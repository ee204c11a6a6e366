using Microsoft.ML.Inversion.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// The node groups exporters write for one operation (LayerNormalization before opset 17, the Erf form of GELU, a
/// Linear layer as MatMul + Add) run fused: every instance in the exported families is found, the fused graph gives
/// ONNX Runtime's values and the unfused graph's input gradients, near misses stay as written, and every
/// intermediate value stays addressable.
/// </summary>
[TestClass]
public sealed class OnnxFusionTests
{
    private static string Network(string file) => Path.Combine(AppContext.BaseDirectory, "Networks", file);

    private static string Scalar(OnnxGraphBuilder g, double value) => g.Weight([], scale: 0, offset: value);

    /// <summary>The nine nodes PyTorch's exporter writes for F.layer_norm over the last axis (opset 14).</summary>
    private static (string Output, string Centred) DecomposedLayerNorm(OnnxGraphBuilder g, string x, long channels, double exponent = 2, bool sharedCentred = false)
    {
        string mean = g.Op("ReduceMean", [x], ("axes", new long[] { -1 }));
        string centred = g.Op("Sub", [x, mean]);
        string square = g.Op("Pow", [centred, Scalar(g, exponent)]);
        string variance = g.Op("ReduceMean", [square], ("axes", new long[] { -1 }));
        string deviation = g.Op("Sqrt", [g.Op("Add", [variance, Scalar(g, 1e-6)])]);
        string normalised = g.Op("Div", [centred, deviation]);
        string output = g.Op("Add", [g.Op("Mul", [normalised, g.Weight([channels], 0.3, 1)]), g.Weight([channels])]);
        if (sharedCentred)
            output = g.Op("Add", [output, centred]);
        return (output, centred);
    }

    /// <summary>x · (erf(x/√2) + 1) · 0.5, the halving first or last, the division as a product with 1/√2 or not.</summary>
    private static string DecomposedGelu(OnnxGraphBuilder g, string x, bool halveFirst, bool multiply)
    {
        string scaled = multiply ? g.Op("Mul", [x, Scalar(g, Math.Sqrt(0.5))]) : g.Op("Div", [x, Scalar(g, Math.Sqrt(2))]);
        string plusOne = g.Op("Add", [g.Op("Erf", [scaled]), Scalar(g, 1)]);
        return halveFirst
            ? g.Op("Mul", [g.Op("Mul", [x, Scalar(g, 0.5)]), plusOne])
            : g.Op("Mul", [g.Op("Mul", [x, plusOne]), Scalar(g, 0.5)]);
    }

    [TestMethod]
    public void DecomposedBlocksFuseAndMatchOnnxRuntime()
    {
        long[] shape = [2, 5, 6];
        var g = new OnnxGraphBuilder("x", shape);
        string normalised = DecomposedLayerNorm(g, "x", 6).Output;
        string linear = g.Op("Add", [g.Weight([8]), g.Op("MatMul", [normalised, g.Weight([6, 8])])]);
        string a = DecomposedGelu(g, linear, halveFirst: false, multiply: false);
        string gelu = DecomposedGelu(g, a, halveFirst: true, multiply: true);
        // SiLU, and HardSwish as HardSigmoid(α 1/6, β ½) · x.
        string silu = g.Op("Mul", [g.Op("Sigmoid", [gelu]), gelu]);
        string b = g.Op("Mul", [silu, g.Op("HardSigmoid", [silu], ("alpha", 1 / 6f), ("beta", 0.5f))]);
        // Attention's sequence-first view, which does not flatten without a copy at batch 2: the fused GEMM's fallback.
        string transposed = g.Op("Transpose", [b], ("perm", new long[] { 1, 0, 2 }));
        string output = g.Op("Add", [g.Op("MatMul", [transposed, g.Weight([8, 4])]), g.Weight([4])]);
        g.Output(output);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "fusions.onnx"), 14);

        using var module = OnnxGraphModule.Load(path);
        CollectionAssert.AreEquivalent(new Dictionary<string, int> { ["LayerNormalization"] = 1, ["Gelu"] = 2, ["MatMul+Add"] = 2, ["Silu"] = 1, ["HardSwish"] = 1 }, module.Fusions.ToDictionary());
        OnnxOperatorEquivalenceTests.AssertMatchesOnnxRuntime(path, shape, [output]);
        using var unfused = OnnxGraphModule.Load(path, new OnnxImportOptions { FuseOperators = false });
        Assert.AreEqual(0, unfused.Fusions.Count);
    }

    [TestMethod]
    public void NearMissesRunAsWritten()
    {
        long[] shape = [1, 4, 6];
        var g = new OnnxGraphBuilder("x", shape);
        // A cube instead of a square; a deviation also read outside the block; a GELU whose constant is not 1/√2;
        // a MatMul whose product is also a graph output.
        string cubed = DecomposedLayerNorm(g, "x", 6, exponent: 3).Output;
        string shared = DecomposedLayerNorm(g, cubed, 6, sharedCentred: true).Output;
        string plusOne = g.Op("Add", [g.Op("Erf", [g.Op("Div", [shared, Scalar(g, 1.5)])]), Scalar(g, 1)]);
        string notGelu = g.Op("Mul", [g.Op("Mul", [shared, plusOne]), Scalar(g, 0.5)]);
        // A sigmoid gate of another value (squeeze-and-excitation's form), and HardSigmoid with ONNX's default α 0.2.
        string gated = g.Op("Mul", [g.Op("Sigmoid", [shared]), notGelu]);
        string notHardSwish = g.Op("Mul", [gated, g.Op("HardSigmoid", [gated])]);
        string product = g.Op("MatMul", [notHardSwish, g.Weight([6, 3])]);
        string output = g.Op("Add", [product, g.Weight([3])]);
        g.Output(output);
        g.Output(product);
        string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "near-misses.onnx"), 14);

        using var module = OnnxGraphModule.Load(path);
        Assert.AreEqual(0, module.Fusions.Count, string.Join(", ", module.Fusions));
        OnnxOperatorEquivalenceTests.AssertMatchesOnnxRuntime(path, shape, [output, product]);
    }

    [TestMethod]
    [DataRow("vit_b_16.onnx")]
    [DataRow("convnext_t.onnx")]
    [DataRow("swin_t.onnx")]
    [DataRow("maxvit_t.onnx")]
    public void EveryDecomposedBlockOfAnExportedFamilyIsFused(string file)
    {
        using var module = OnnxGraphModule.Load(Network(file));
        int reduceMeans = module.Nodes.Count(n => n.Operator == "ReduceMean"), erfs = module.Nodes.Count(n => n.Operator == "Erf");
        Assert.IsGreaterThan(0, reduceMeans);
        Assert.AreEqual(reduceMeans / 2, module.Fusions.GetValueOrDefault("LayerNormalization"), "two ReduceMeans per layer normalisation");
        Assert.AreEqual(erfs, module.Fusions.GetValueOrDefault("Gelu"), "one Erf per GELU");
        Assert.IsGreaterThan(0, module.Fusions.GetValueOrDefault("MatMul+Add"));
    }

    /// <summary>EfficientNet's SiLUs fuse; the squeeze-and-excitation gates (a sigmoid of another value) do not.</summary>
    [TestMethod]
    public void EfficientNetsSiluActivationsFuseAndItsGatesDoNot()
    {
        using var module = OnnxGraphModule.Load(Network("efficientnet_b0.onnx"));
        int sigmoids = module.Nodes.Count(n => n.Operator == "Sigmoid");
        int gates = module.Nodes.Count(n => n.Operator == "GlobalAveragePool") - 1;
        Assert.IsGreaterThan(0, gates);
        Assert.AreEqual(sigmoids - gates, module.Fusions.GetValueOrDefault("Silu"), "every sigmoid but one per squeeze-and-excitation block");
    }

    /// <summary>
    /// In float64, so that the comparison is of the functions, not of float32 rounding in different kernels. What
    /// is left is the exported graph's own constant: it divides by √2 rounded to float32 (1.7e-8 relative), the fused
    /// GELU by √2, hence 1e-7 (a wrong ε or axis moves the values by 1e-6 or more). The first GELU's Erf output (or SiLU's
    /// sigmoid), an internal value of its fusion, is asked for beside the mid layer and the output.
    /// </summary>
    [TestMethod]
    [DataRow("vit_b_16.onnx", "/encoder/layers/encoder_layer_0/Add_1_output_0")]
    [DataRow("convnext_t.onnx", "/features/features.5/features.5.0/Add_output_0")]
    [DataRow("swin_t.onnx", "/features/features.1/features.1.1/Add_1_output_0")]
    [DataRow("efficientnet_b0.onnx", "/features/features.4/features.4.0/block/block.3/block.3.0/Conv_output_0")]
    public void FusedGraphGivesTheUnfusedValuesAndInputGradients(string file, string mid)
    {
        using var scope = NewDisposeScope();
        using var fused = OnnxGraphModule.Load(Network(file), new OnnxImportOptions { FloatType = ScalarType.Float64 });
        using var unfused = OnnxGraphModule.Load(Network(file), new OnnxImportOptions { FloatType = ScalarType.Float64, FuseOperators = false });
        string erf = fused.Nodes.First(n => n.Operator is "Erf" or "Sigmoid").Outputs[0];
        string output = fused.OutputNames[0];
        Tensor input = randn([1, 3, 64, 64], ScalarType.Float64, generator: new Generator(5));

        Assert.IsGreaterThan(0, fused.Fusions.GetValueOrDefault("Gelu") + fused.Fusions.GetValueOrDefault("Silu"));
        using (no_grad())
        {
            string[] values = [erf, mid, output];
            Tensor[] ours = fused.Evaluate(input, values), reference = unfused.Evaluate(input, values);
            for (int i = 0; i < values.Length; i++)
            {
                double error = ((ours[i] - reference[i]).norm() / reference[i].norm()).item<double>();
                Assert.IsLessThan(1e-7, error, $"{values[i]}: relative L2 error {error:E2}");
            }
            Tensor alone = fused.Evaluate(input, output);
            Assert.IsLessThan(1e-7, ((alone - reference[2]).norm() / reference[2].norm()).item<double>(), "the output, fused throughout");
        }

        Tensor direction = randn(unfused.Evaluate(input, mid).shape, ScalarType.Float64, generator: new Generator(9));
        Tensor Gradient(OnnxGraphModule graph)
        {
            Tensor x = input.detach().clone().requires_grad_(true);
            (graph.Evaluate(x, mid) * direction).sum().backward();
            return x.grad!;
        }
        Tensor ourGradient = Gradient(fused), referenceGradient = Gradient(unfused);
        Assert.IsGreaterThan(0.0, referenceGradient.norm().item<double>());
        double gradientError = ((ourGradient - referenceGradient).norm() / referenceGradient.norm()).item<double>();
        Assert.IsLessThan(1e-7, gradientError, $"input gradient from {mid}: relative L2 error {gradientError:E2}");
    }
}

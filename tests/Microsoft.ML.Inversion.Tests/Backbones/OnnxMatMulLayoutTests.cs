using Microsoft.ML.Inversion.Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Backbones;

/// <summary>
/// MatMul of a batch of rows by one matrix runs as one GEMM whenever the rows' layout allows it without a copy
/// (attention's sequence-first [tokens, 1, dim] view among them, which libtorch's own matmul runs token by token);
/// every layout gives ONNX Runtime's values and libtorch matmul's input gradient.
/// </summary>
[TestClass]
public sealed class OnnxMatMulLayoutTests
{
    // Each case: the input's shape, the Transpose applied before MatMul (the layouts exporters write), the weight.
    private static readonly (long[] Input, long[] Perm, long[] Weight)[] Cases =
    [
        ([1, 7, 6], [1, 0, 2], [6, 5]),        // [7, 1, 6]: ViT's sequence-first view at batch 1
        ([3, 7, 6], [1, 0, 2], [6, 5]),        // [7, 3, 6]: the same at batch 3 (does not flatten without a copy)
        ([1, 6, 4, 5], [0, 2, 3, 1], [6, 3]),  // [1, 4, 5, 6]: ConvNeXt's channels-last view at batch 1
        ([2, 6, 4, 5], [0, 2, 3, 1], [6, 3]),  // [2, 4, 5, 6]: at batch 2
        ([2, 7, 6], [0, 1, 2], [6, 5]),        // contiguous rows
    ];

    [TestMethod]
    public void EveryLayoutMatchesOnnxRuntime()
    {
        foreach (var (input, perm, weight) in Cases)
        {
            var g = new OnnxGraphBuilder("x", input);
            string product = g.Op("MatMul", [g.Op("Transpose", ["x"], ("perm", perm)), g.Weight(weight)]);
            g.Output(product);
            string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "matmul.onnx"), 13);
            OnnxOperatorEquivalenceTests.AssertMatchesOnnxRuntime(path, input, [product]);
        }
    }

    [TestMethod]
    public void EveryLayoutHasMatmulsInputGradient()
    {
        foreach (var (input, perm, weight) in Cases)
        {
            using var scope = NewDisposeScope();
            var g = new OnnxGraphBuilder("x", input);
            string product = g.Op("MatMul", [g.Op("Transpose", ["x"], ("perm", perm)), g.Weight(weight)]);
            g.Output(product);
            string path = g.Save(Path.Combine(TestEnvironment.NewTempFolder(), "matmul.onnx"), 13);
            using var module = OnnxGraphModule.Load(path);
            // The graph's only two-dimensional constant is its weight.
            Tensor matrix = module.named_buffers().Single(b => b.buffer.dim() == 2).buffer.detach();
            Tensor direction = randn([.. perm.SkipLast(1).Select(p => input[p]), weight[1]], generator: new Generator(7));

            Tensor ours = randn(input, generator: new Generator(3)).requires_grad_(true);
            Tensor reference = ours.detach().clone().requires_grad_(true);
            Tensor oursOutput = module.Evaluate(ours, product);
            Tensor referenceOutput = reference.permute(perm).matmul(matrix);
            Assert.IsLessThan(1e-5f, (oursOutput - referenceOutput).abs().max().item<float>(), $"values, input [{string.Join(",", input)}]");

            (oursOutput * direction).sum().backward();
            (referenceOutput * direction).sum().backward();
            float difference = (ours.grad! - reference.grad!).abs().max().item<float>();
            float size = reference.grad!.abs().max().item<float>();
            Assert.IsGreaterThan(0f, size);
            Assert.IsLessThan(1e-5f * size, difference, $"input gradient, input [{string.Join(",", input)}]");
        }
    }
}

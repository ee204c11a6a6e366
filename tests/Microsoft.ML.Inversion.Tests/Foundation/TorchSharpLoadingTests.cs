using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Foundation;

[TestClass]
public sealed class TorchSharpLoadingTests
{
    [TestMethod]
    public void NativeLibraryLoadsAndConvolutionForwardBackwardGivesKnownValues()
    {
        using var scope = NewDisposeScope();
        var input = ones(1, 1, 3, 3, requires_grad: true);
        var weight = ones(1, 1, 2, 2);

        var output = nn.functional.conv2d(input, weight);
        output.sum().backward();

        Console.WriteLine($"TorchSharp native library loaded: libtorch {torch.__version__}, {get_num_threads()} threads");
        CollectionAssert.AreEqual(new[] { 4f, 4f, 4f, 4f }, output.data<float>().ToArray());
        // Each input pixel's gradient counts the 2x2 windows that cover it.
        CollectionAssert.AreEqual(new[] { 1f, 2f, 1f, 2f, 4f, 2f, 1f, 2f, 1f }, input.grad!.data<float>().ToArray());
    }
}

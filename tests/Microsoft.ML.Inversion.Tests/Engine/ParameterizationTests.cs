using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

[TestClass]
public sealed class ParameterizationTests
{
    [TestMethod]
    public void LowResolutionOffsetStartsAtTheImageAndChangesItOnlyAtCoarseScales()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        Tensor start = randn([1, 3, 16, 20], generator: generator);
        var setup = new ParameterizationSetup(16, 20, [generator], CPU, ChannelOrder.Rgb, start);
        using var offset = new LowResolutionOffset(setup, 4);

        Assert.IsTrue(offset.Render().allclose(start), "starts at the start image");
        CollectionAssert.AreEqual(new long[] { 1, 3, 4, 5 }, offset.Parameters[0].shape, "one offset value per 4×4 block");

        offset.Render().square().sum().backward();
        Assert.IsTrue(offset.Parameters[0].grad!.abs().sum().item<float>() > 0, "the offset receives a gradient");
        using (no_grad())
            offset.Parameters[0].add_(1);
        Tensor change = offset.Render() - start;
        // A constant offset upsamples to a constant change.
        Assert.IsTrue(change.allclose(ones_like(change), rtol: 1e-5, atol: 1e-5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LowResolutionOffset(setup, 0));
    }
}

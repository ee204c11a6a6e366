using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Parameterizations;
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

    [TestMethod]
    public void FourierImageStartsAtTheImageWhateverItsFftSize()
    {
        using var scope = NewDisposeScope();
        // 16×20 is synthesised at its own size; 13×17 (primes) at 14×18, with the canvas its top-left corner.
        foreach (var (height, width) in new[] { (16L, 20L), (13L, 17L) })
        {
            using var generator = new Generator(5);
            Tensor start = randn([1, 3, height, width], generator: generator);
            var setup = new ParameterizationSetup(height, width, [generator], CPU, ChannelOrder.Bgr, start);
            using var image = new FourierImage(setup);
            Tensor rendered = image.Render();
            CollectionAssert.AreEqual(start.shape, rendered.shape, $"{height}×{width}");
            Assert.IsTrue(rendered.allclose(start, rtol: 1e-4, atol: 1e-4), $"{height}×{width}: renders the start image");
            long fftHeight = FourierImage.FftSize(height), fftWidth = FourierImage.FftSize(width);
            CollectionAssert.AreEqual(new long[] { 1, 3, fftHeight, fftWidth / 2 + 1, 2 }, image.Parameters[0].shape);
            rendered.square().sum().backward();
            Assert.IsTrue(image.Parameters[0].grad!.abs().sum().item<float>() > 0, "the spectrum receives a gradient");
        }
    }

    [TestMethod]
    public void FourierImageNoiseHasTheSameScaleAtEveryFftSize()
    {
        using var scope = NewDisposeScope();
        // Random starts: one image per generator, pixels of the same order whether or not the side is padded.
        double Std(long side)
        {
            var generators = new[] { new Generator(1), new Generator(2) };
            using var image = new FourierImage(new ParameterizationSetup(side, side, generators, CPU, ChannelOrder.Rgb, null));
            Tensor rendered = image.Render();
            Assert.AreEqual(2L, rendered.shape[0]);
            Assert.IsFalse(rendered[0].allclose(rendered[1]), "each image has its own noise");
            return rendered.std().item<float>();
        }
        double own = Std(224), padded = Std(227);
        Assert.AreEqual(own, padded, 0.1 * own, "224 (synthesised at 224) and 227 (at 231)");
    }

    [TestMethod]
    public void FftSizeIsTheNextLengthWithoutPrimeFactorsAboveEleven()
    {
        foreach (var (length, expected) in new[] { (1L, 1L), (11L, 11L), (13L, 14L), (224L, 224L), (225L, 225L), (227L, 231L), (229L, 231L), (231L, 231L), (233L, 240L), (256L, 256L) })
            Assert.AreEqual(expected, FourierImage.FftSize(length), $"{length}");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FourierImage.FftSize(0));
    }
}

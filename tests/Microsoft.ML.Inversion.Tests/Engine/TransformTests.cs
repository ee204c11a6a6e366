using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Transforms;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

[TestClass]
public sealed class TransformTests
{
    private const int Size = 64, Amount = 5;

    /// <summary>Three photographs as canvases 4 pixels larger than the image, in units of about 1.</summary>
    private static Tensor Canvases() => cat(TestEnvironment.PhotographNames
        .Select(n => ImageTensors.LoadCentered(TestEnvironment.Photograph(n), Size + Amount - 1, Size + Amount - 1) / 255f).ToArray(), 0);

    private static Generator[] Generators(int count, int seed = 11) =>
        Enumerable.Range(0, count).Select(i => new Generator((ulong)(seed + i))).ToArray();

    [TestMethod]
    public void FusedJitterWithoutScaleOrRotationIsTheExactCrop()
    {
        using var scope = NewDisposeScope();
        Tensor canvases = Canvases();
        var a = Generators(3);
        var b = Generators(3);
        Tensor fused = new JitterScaleRotate(Size, Size, Amount, maxScaleChange: 0, maxDegrees: 0).Apply(canvases, a);
        Tensor cropped = new JitterCrop(Size, Size, Amount).Apply(canvases, b);

        CollectionAssert.AreEqual(new long[] { 3, 3, Size, Size }, fused.shape);
        Assert.IsTrue(fused.allclose(cropped, rtol: 0, atol: 1e-5), $"largest difference {(fused - cropped).abs().max().item<float>()}");
        // The shifts really differ between images (seeds 11, 12, 13), so the comparison tests the translation.
        Tensor centre = new JitterCrop(Size, Size, Amount, random: false).Apply(canvases, b);
        Assert.IsFalse(fused.allclose(centre, rtol: 0, atol: 1e-3));
    }

    [TestMethod]
    public void FusedJitterScaleRotateMatchesCropThenScaleRotateAwayFromTheBorders()
    {
        using var scope = NewDisposeScope();
        Tensor canvases = Canvases();
        Tensor fused = new JitterScaleRotate(Size, Size, Amount).Apply(canvases, Generators(3));
        var g = Generators(3);
        Tensor twoSteps = new RandomScaleRotate().Apply(new JitterCrop(Size, Size, Amount).Apply(canvases, g), g);

        // Same draws, same map: equal inside; near the borders the fused form reads the canvas instead of reflecting the crop.
        Tensor inner(Tensor t) => t[.., .., 8..(Size - 8), 8..(Size - 8)];
        float largest = (inner(fused) - inner(twoSteps)).abs().max().item<float>();
        Assert.IsTrue(largest < 1e-4, $"largest interior difference {largest}");
        Assert.IsTrue((fused - canvases[.., .., 2..(Size + 2), 2..(Size + 2)]).abs().mean().item<float>() > 1e-3, "the transform changes the image");
    }

    [TestMethod]
    public void ScaleRotateOfABatchEqualsEachImageAlone()
    {
        using var scope = NewDisposeScope();
        Tensor images = Canvases()[.., .., ..Size, ..Size];
        Tensor batch = new RandomScaleRotate().Apply(images, Generators(3));
        var singles = Generators(3);
        for (int i = 0; i < 3; i++)
        {
            Tensor alone = new RandomScaleRotate().Apply(images[i..(i + 1)], [singles[i]]);
            Assert.IsTrue(batch[i..(i + 1)].allclose(alone, rtol: 0, atol: 1e-6), $"image {i}");
        }
    }

    [TestMethod]
    public void FusedJitterOfABatchEqualsEachImageAloneWithItsGradient()
    {
        using var scope = NewDisposeScope();
        Tensor canvases = Canvases().requires_grad_(true);
        var transform = new JitterScaleRotate(Size, Size, Amount);
        Tensor weights = rand_like(canvases[.., .., ..Size, ..Size]);
        (transform.Apply(canvases, Generators(3)) * weights).sum().backward();
        Tensor batchGradient = canvases.grad!.clone();
        var singles = Generators(3);
        for (int i = 0; i < 3; i++)
        {
            Tensor one = canvases[i..(i + 1)].detach().clone().requires_grad_(true);
            Tensor alone = transform.Apply(one, [singles[i]]);
            (alone * weights[i..(i + 1)]).sum().backward();
            Assert.IsTrue(one.grad!.allclose(batchGradient[i..(i + 1)], rtol: 0, atol: 1e-5), $"image {i}: gradient differs by up to {(one.grad! - batchGradient[i..(i + 1)]).abs().max().item<float>()}");
        }
    }

    [TestMethod]
    public void FusedJitterRejectsACanvasOfTheWrongSize()
    {
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() => new JitterScaleRotate(Size, Size, Amount).Apply(zeros(1, 3, Size, Size), Generators(1)));
        StringAssert.Contains(error.Message, $"{Size + Amount - 1}×{Size + Amount - 1}");
    }

    [TestMethod]
    public void TheLoopAppliesTheTransformsTheSettingsCreateDuringJitteredPhasesOnly()
    {
        using var scope = NewDisposeScope();
        var counter = new CountingTransform();
        int created = 0;
        var pipeline = new TransformFactory("counted jitter + scale/rotate", s =>
        {
            created++;
            return new TransformPipeline([new JitterCrop(s.Height, s.Width, s.JitterAmount), new RandomScaleRotate(), counter]);
        });
        var options = new InversionOptions { Customize = s => s with { Transforms = pipeline, Schedule = [new(6, 1), new(3, 0.1, Jitter: false)] } };
        Tensor photo = ImageTensors.LoadCentered(TestEnvironment.Photograph("chelsea.png"), Size, Size);

        using var result = new FeatureInverter(BuiltInNetwork.ResNet18, "stage2", options).InvertImages(photo);

        Assert.AreEqual(1, created, "one transform per run");
        Assert.AreEqual(6, counter.Calls, "applied at each of the 6 jittered steps and at none of the 3 others");
        StringAssert.Contains(result.Settings.Describe(), "counted jitter + scale/rotate");
    }

    /// <summary>The identity, counting its calls.</summary>
    private sealed class CountingTransform : ImageTransform
    {
        public int Calls { get; private set; }

        public override Tensor Apply(Tensor images, IReadOnlyList<Generator> generators)
        {
            Calls++;
            return images;
        }

        public override string ToString() => "count";
    }
}

using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests.Engine;

[TestClass]
public sealed class ObjectiveTests
{
    private static ObjectiveContext Context(Tensor image, Tensor? features = null, Tensor? target = null) =>
        new(image, () => features ?? throw new InvalidOperationException("no features"), target,
            target is null ? null : target.flatten(1).square().sum([1L]));

    [TestMethod]
    public void AlphaNormIsTheMeanOfPixelColourNormsToTheAlpha()
    {
        using var scope = NewDisposeScope();
        // 1 image, 3 channels, 1×2 pixels: pixel colours (1, 2, 2) and (0, 3, 4): norms 3 and 5.
        Tensor image = tensor(new double[] { 1, 0, 2, 3, 2, 4 }, [1, 3, 1, 2]);
        double value = Objective.AlphaNorm(6).Evaluate(Context(image)).item<double>();
        Assert.AreEqual((Math.Pow(3, 6) + Math.Pow(5, 6)) / 2, value, 1e-9);
    }

    [TestMethod]
    public void OutsideRangeIsTheMeanSquaredExcessBeyondTheBounds()
    {
        using var scope = NewDisposeScope();
        // 1×2 pixels; bounds −1 … 1 in every channel. Pixel 0 (0.5, 2, −3): excess 1 and 2 → 1 + 4; pixel 1 inside.
        Tensor image = tensor(new double[] { 0.5, 0, 2, 0.9, -3, -1 }, [1, 3, 1, 2]);
        Tensor lower = full(1, 3, 1, 2, -1.0, dtype: ScalarType.Float64), upper = full(1, 3, 1, 2, 1.0, dtype: ScalarType.Float64);
        Assert.AreEqual((1 + 4) / 2.0, Objective.OutsideRange(lower, upper).Evaluate(Context(image)).item<double>(), 1e-12);
        // Bounds of another size are resized to the canvas (constant bounds stay constant).
        Tensor smallLower = full(1, 3, 1, 1, -1.0, dtype: ScalarType.Float64), smallUpper = full(1, 3, 1, 1, 1.0, dtype: ScalarType.Float64);
        Assert.AreEqual(2.5, Objective.OutsideRange(smallLower, smallUpper).Evaluate(Context(image)).item<double>(), 1e-12);
    }

    [TestMethod]
    public void TotalVariationMatchesHandComputedDifferences()
    {
        using var scope = NewDisposeScope();
        // One channel non-zero, 2×2 [[0, 1], [2, 4]]; differences scaled by 6.5, last row/column differences zero.
        Tensor image = zeros(1, 3, 2, 2, dtype: ScalarType.Float64);
        image[0, 0] = tensor(new double[] { 0, 1, 2, 4 }, [2, 2]);
        double s = 6.5 * 6.5;
        // pixel (0,0): dx 1, dy 2 → 5; (0,1): dx 0, dy 3 → 9; (1,0): dx 2, dy 0 → 4; (1,1): 0.
        double beta2 = (5 + 9 + 4) * s / 4;
        double beta1 = (Math.Sqrt(5 * s) + Math.Sqrt(9 * s) + Math.Sqrt(4 * s)) / 4;
        Assert.AreEqual(beta2, Objective.TotalVariation(2).Evaluate(Context(image)).item<double>(), 1e-9);
        Assert.AreEqual(beta1, Objective.TotalVariation(1).Evaluate(Context(image)).item<double>(), 1e-5);
    }

    [TestMethod]
    public void AnisotropicTotalVariationSumsEachDirectionSeparately()
    {
        using var scope = NewDisposeScope();
        // The same 2×2 channel [[0, 1], [2, 4]]: horizontal differences 1, 2; vertical 2, 3; each scaled by 6.5.
        Tensor image = zeros(1, 3, 2, 2, dtype: ScalarType.Float64);
        image[0, 0] = tensor(new double[] { 0, 1, 2, 4 }, [2, 2]);
        Assert.AreEqual((1 + 2 + 2 + 3) * 6.5 / 4, Objective.AnisotropicTotalVariation(1).Evaluate(Context(image)).item<double>(), 1e-5);
        // For β = 2 the anisotropic and isotropic forms are the same number.
        Assert.AreEqual(Objective.TotalVariation(2).Evaluate(Context(image)).item<double>(), Objective.AnisotropicTotalVariation(2).Evaluate(Context(image)).item<double>(), 1e-9);
        // At β = 1 it is the roughness measure's mean neighbour difference up to the count of pixels and the scale.
        Tensor noisy = rand([1, 3, 9, 7], ScalarType.Float64, generator: new Generator(4)) * 255;
        double expected = ImageMeasures.NeighbourDifference(noisy[0]) * (3 * (8 * 7 + 9 * 6)) * 6.5 / (9 * 7);
        Assert.AreEqual(expected, Objective.AnisotropicTotalVariation(1).Evaluate(Context(noisy)).item<double>(), 1e-6 * expected);
    }

    [TestMethod]
    public void RegulariserGradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        Tensor image = randn([2, 3, 5, 6], ScalarType.Float64, generator: new Generator(9)).requires_grad_(true);
        foreach (Objective objective in new[] { Objective.AlphaNorm(6), Objective.TotalVariation(2), Objective.TotalVariation(1), Objective.AnisotropicTotalVariation(1), 0.3 * Objective.AlphaNorm(4) + 2 * Objective.TotalVariation(2) })
        {
            image.grad?.zero_();
            objective.Evaluate(Context(image)).sum().backward();
            double[] analytic = image.grad!.data<double>().ToArray();
            using var noGrad = no_grad();
            foreach (int index in new[] { 0, 17, 40, 89, 150, 179 })
            {
                Tensor plus = image.detach().clone(), minus = image.detach().clone();
                plus.view(-1)[index] += 1e-6;
                minus.view(-1)[index] -= 1e-6;
                double numeric = (objective.Evaluate(Context(plus)).sum().item<double>() - objective.Evaluate(Context(minus)).sum().item<double>()) / 2e-6;
                Assert.AreEqual(numeric, analytic[index], 1e-4 * Math.Max(1, Math.Abs(numeric)), $"{objective.Description} at {index}");
            }
        }
    }

    [TestMethod]
    public void FeatureReconstructionIsNormalisedPerImageAndComposesWithArithmetic()
    {
        using var scope = NewDisposeScope();
        Tensor target = tensor(new double[] { 3, 4, 0, 0, 1, 0 }, [2, 3]);
        Tensor features = tensor(new double[] { 3, 4, 1, 0, 0, 0 }, [2, 3]);
        var context = Context(zeros(2, 3, 1, 1, dtype: ScalarType.Float64), features, target);
        double[] values = Objective.FeatureReconstruction().Evaluate(context).data<double>().ToArray();
        CollectionAssert.AreEqual(new[] { 1.0 / 25, 1.0 }, values);

        Objective combined = 100 * Objective.FeatureReconstruction() - Objective.TargetInnerProduct();
        double[] combinedValues = combined.Evaluate(context).data<double>().ToArray();
        Assert.AreEqual(100.0 / 25 - 25.0 / 25, combinedValues[0], 1e-12);
        StringAssert.Contains(combined.Description, "100·data");
    }
}

using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Measures;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>Our inversion against the naive method on networks the naive preset's fixed step was not tuned for.</summary>
internal static class NaiveComparison
{
    /// <summary>The fixed steps a person tries by hand.</summary>
    private static readonly double[] Steps = [1, 10, 100, 1000];

    /// <summary>
    /// Inverts <paramref name="photo"/> at <paramref name="layer"/> with the default preset and with the naive method
    /// at every step of <see cref="Steps"/>, and asserts that ours is smoother than each naive run that converged (at
    /// least one must, so the comparison is real) and closer than nothing.
    /// </summary>
    public static void AssertSmootherThanNaive(Backbone backbone, string layer, Tensor photo, int iterations, string label)
    {
        using var ours = new FeatureInverter(backbone, layer, new InversionOptions { Iterations = iterations }).InvertImages(photo);
        double oursRoughness = ImageMeasures.Roughness(ours.Images, photo);
        Console.WriteLine($"{label}: ours error {ours.FeatureErrors[0]:F3}, roughness {oursRoughness:F2}");
        int converged = 0;
        foreach (double rate in Steps)
        {
            using var naive = new FeatureInverter(backbone, layer, new InversionOptions
            {
                Preset = InversionPreset.Naive,
                Iterations = iterations,
                Customize = s => s with { LearningRate = rate },
            }).InvertImages(photo);
            double naiveRoughness = ImageMeasures.Roughness(naive.Images, photo);
            Console.WriteLine($"  naive at step {rate}: error {naive.FeatureErrors[0]:F3}, roughness {naiveRoughness:F2}");
            if (!double.IsFinite(naive.FeatureErrors[0]))
                continue;
            converged++;
            Assert.IsLessThan(naiveRoughness, oursRoughness, $"{label}: smoother than naive at step {rate}");
        }
        Assert.IsGreaterThan(0, converged, $"{label}: at least one naive step converges, so the comparison is real");
        Assert.IsLessThan(1.0, ours.FeatureErrors[0], $"{label}: closer than nothing");
    }
}

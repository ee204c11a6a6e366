using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Regularizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Quality;

/// <summary>
/// <c>--feature-variation</c>: prints the mean relative variation of Φ0 (<see cref="TotalVariationGuide.Variation"/>)
/// per layer and photograph, the figure a preset's TV guide takes as its reference.
/// </summary>
internal static class FeatureVariation
{
    public static int Print(string[] layers, string[] files, int size)
    {
        using var backbone = PretrainedBackbones.ResNet18();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor batch = cat(files.Select(f => ImageTensors.LoadCentered(f, size, size)).ToArray(), 0);
        foreach (string layer in layers)
        {
            Tensor features = backbone.Featurize(batch, layer);
            if (features.dim() != 4 || features.shape[2] < 2)
            {
                PrintEmbeddingStatistics(layer, features.flatten(1), batch, files);
                continue;
            }
            double[] means = TotalVariationGuide.Variation(features).mean([1L, 2L, 3L]).to_type(ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < files.Length; i++)
                Console.WriteLine($"{layer,-8} {Path.GetFileNameWithoutExtension(files[i]),-24} {means[i]:F3}");
            Console.WriteLine($"{layer,-8} {"mean",-24} {means.Average():F3}  median {means.Order().ElementAt(means.Length / 2):F3}");
        }
        return 0;
    }

    /// <summary>
    /// For an embedding (no map): each photograph's mean neighbour difference (its texture, which the pool5 roughness
    /// measure divides by) beside statistics of Φ0 that a TV rule could read: the norm, the share of near-zero units,
    /// and the L1/L2 ratio over √d (1 for a flat vector, small for a sparse one).
    /// </summary>
    private static void PrintEmbeddingStatistics(string layer, Tensor features, Tensor batch, string[] files)
    {
        Console.WriteLine($"{layer,-8} {"photograph",-24} texture  norm     zero<0.1 l1/l2");
        double dimension = features.shape[1];
        for (int i = 0; i < files.Length; i++)
        {
            Tensor f = features[i];
            double texture = ImageMeasures.NeighbourDifference(batch[i].unsqueeze(0));
            double norm = f.norm().item<float>();
            double zero = (f < 0.1 * f.abs().max()).to_type(ScalarType.Float64).mean().item<double>();
            double spread = (f.abs().sum() / f.norm()).item<float>() / Math.Sqrt(dimension);
            Console.WriteLine($"{layer,-8} {Path.GetFileNameWithoutExtension(files[i]),-24} {texture,7:F2} {norm,8:F2} {zero,8:F3} {spread,6:F3}");
        }
    }
}

using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
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
                Console.WriteLine($"{layer}: not a spatial map");
                continue;
            }
            double[] means = TotalVariationGuide.Variation(features).mean([1L, 2L, 3L]).to_type(ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < files.Length; i++)
                Console.WriteLine($"{layer,-8} {Path.GetFileNameWithoutExtension(files[i]),-24} {means[i]:F3}");
            Console.WriteLine($"{layer,-8} {"mean",-24} {means.Average():F3}  median {means.Order().ElementAt(means.Length / 2):F3}");
        }
        return 0;
    }
}

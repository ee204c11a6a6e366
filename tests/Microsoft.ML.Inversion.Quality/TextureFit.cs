using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Measures;
using Microsoft.ML.Inversion.Regularizers;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Quality;

/// <summary>
/// <c>--fit-texture</c>: fits the built-in ResNet18's texture estimates (<see cref="TextureEstimate"/>) on the given
/// photographs, prints how well each layer's estimate predicts a photograph it was not fitted on (leave-one-out), and
/// writes them where the library embeds them.
/// </summary>
internal static class TextureFit
{
    public const string ResourcePath = "src/Microsoft.ML.Inversion/Backbones/Resources/ResNet18.texture.json";

    public static int Run(string[] layers, string[] files, int size, double ridge)
    {
        using var backbone = PretrainedBackbones.ResNet18();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor batch = cat(files.Select(f => ImageTensors.LoadCentered(f, size, size)).ToArray(), 0);
        double[] texture = Enumerable.Range(0, files.Length).Select(i => Math.Log(ImageMeasures.NeighbourDifference(batch[i].unsqueeze(0)))).ToArray();
        Tensor logTexture = tensor(texture, ScalarType.Float64);
        var estimates = new Dictionary<string, TextureEstimate>();
        Console.WriteLine($"log texture over {files.Length} photographs: sd {StandardDeviation(texture):F3}; ridge {ridge}");
        foreach (string layer in layers)
        {
            Tensor targets = backbone.Featurize(batch, layer);
            var heldOut = new double[files.Length];
            for (int i = 0; i < files.Length; i++)
            {
                Tensor keep = tensor(Enumerable.Range(0, files.Length).Where(j => j != i).Select(j => (long)j).ToArray());
                var estimate = TextureEstimate.Fit(targets.index_select(0, keep), logTexture.index_select(0, keep), ridge);
                heldOut[i] = estimate.Predict(targets[i..(i + 1)]).item<double>();
            }
            double[] errors = texture.Zip(heldOut, (t, p) => p - t).ToArray();
            Console.WriteLine($"{layer,-8} leave-one-out: r {Correlation(texture, heldOut):F3}, rms error {Math.Sqrt(errors.Average(e => e * e)):F3}, largest {errors.Max(Math.Abs):F3}");
            for (int i = 0; i < files.Length; i++)
                Console.WriteLine($"{layer,-8} {Path.GetFileNameWithoutExtension(files[i]),-24} log texture {texture[i]:F3}  held-out estimate {heldOut[i]:F3}");
            estimates[layer] = TextureEstimate.Fit(targets, logTexture, ridge);
        }
        TextureEstimate.Save(estimates, ResourcePath);
        Console.WriteLine($"wrote {ResourcePath} ({string.Join(", ", estimates.Keys)})");
        return 0;
    }

    private static double StandardDeviation(double[] x) => Math.Sqrt(x.Average(v => (v - x.Average()) * (v - x.Average())));

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double covariance = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return covariance / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }
}

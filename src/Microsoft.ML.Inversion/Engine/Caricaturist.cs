using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Caricatures (IJCV 2016, section 6): starting from the image itself, amplify what a layer sees in it by maximising
/// ⟨Φ(x), Φ0⟩/‖Φ0‖² under the regularisers. The score is that ratio: 1 for the original, more for a caricature.
/// <see cref="InversionOptions.DataWeight"/> overrides the weight (default: the preset's C for the layer).
/// </summary>
public sealed class Caricaturist
{
    private readonly FeatureInverter _layer;

    /// <summary>Creates a caricaturist for one layer.</summary>
    public Caricaturist(Backbone backbone, string layer, InversionOptions? options = null) =>
        _layer = new FeatureInverter(backbone, layer, options);

    /// <summary>Caricatures RGB images [N, 3, H, W] (values 0–255) at the layer.</summary>
    public VisualizationResult Caricature(Tensor rgb255, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        if (rgb255.dim() != 4 || rgb255.shape[1] != 3)
            throw new ArgumentException($"Expected RGB images as a tensor [N, 3, H, W]; got [{string.Join(", ", rgb255.shape)}].", nameof(rgb255));
        Backbone backbone = _layer.Backbone;
        int h = (int)rgb255.shape[2], w = (int)rgb255.shape[3];
        var options = _layer.Options;
        LayerSettings settings = options.Resolve(_layer.Geometry(h, w), backbone.TypicalPixelNorm);
        var stopwatch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        Tensor start = backbone.Preprocessing.ToNetworkInput(rgb255.to(float32, backbone.Device));
        Tensor target;
        using (no_grad())
            target = backbone.Forward(start, _layer.Layer);
        Objective objective = options.Objective ?? OptimizationLoop.Regularised(-Objective.TargetInnerProduct(), settings);
        long[] itemSeeds = Enumerable.Range(0, (int)rgb255.shape[0]).Select(i => seeds?[i] ?? options.Seed + i).ToArray();
        var outcome = OptimizationLoop.Run(backbone, _layer.Layer, settings, objective, target, itemSeeds, h, w, start, options, cancellationToken);
        using var noGrad = no_grad();
        Tensor features = backbone.Forward(outcome.NetworkInput, _layer.Layer);
        double[] ratios = ((features * target).flatten(1).sum([1L]) / target.flatten(1).square().sum([1L])).cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        Tensor images = outcome.RgbImages(backbone);
        return new VisualizationResult(images, ratios, "⟨Φ(x),Φ0⟩/‖Φ0‖²", outcome.Steps, stopwatch.Elapsed.TotalSeconds, outcome.LossCurves, settings);
    }
}

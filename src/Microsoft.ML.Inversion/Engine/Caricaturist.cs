using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Caricatures (IJCV 2016, section 6): starting from the image itself, amplify what a layer sees in it by maximising
/// ⟨Φ(x), Φ0⟩/‖Φ0‖² under the regularisers. The score is that ratio: 1 for the original, more for a caricature.
/// <see cref="InversionOptions.DataWeight"/> overrides the weight (default: 1.25× the preset's C for the layer, see
/// <see cref="ForCaricature"/>).
/// </summary>
public sealed class Caricaturist
{
    private readonly FeatureInverter _layer;

    /// <summary>Creates a caricaturist for one layer.</summary>
    public Caricaturist(Backbone backbone, string layer, InversionOptions? options = null) =>
        _layer = new FeatureInverter(backbone, layer, options);

    /// <summary>
    /// How a caricature adapts the preset's inversion settings for the layer: it starts from the image, not from
    /// noise, so the jitter and scale/rotation that help an inversion escape poor optima are off; the α-norm prior
    /// is off (it holds the amplified contrast down and, measured, leaves rougher images) and a wall at the edges
    /// of the displayable range takes its place; C is 1.25× the inversion's, and the total variation is TV¹ (β = 1,
    /// which keeps edges and flattens the rest) at λTV <see cref="TvWeight"/>, whatever the inversion's. Measured at stage2 at 224×224 over the
    /// three photographs (tuning notes in docs/visualizations.md): ratio 1.77 at roughness 1.45, against 1.68 at
    /// 1.41 with TV² at 2× λTV; every variant tried lies near one curve, ratio ≈ 1 + 0.5 × roughness.
    /// </summary>
    public static LayerSettings ForCaricature(LayerSettings inversion) => inversion with
    {
        JitterAmount = 1,
        ScaleRotate = false,
        AlphaWeight = 0,
        DataWeight = inversion.DataWeight * 1.25,
        Beta = 1,
        TvWeight = TvWeight,
    };

    /// <summary>The weight of the caricature's TV¹ prior (IJCV normalisation).</summary>
    public const double TvWeight = 5;

    /// <summary>The weight of <see cref="Objective.OutsideRange"/>, which keeps caricatures inside 0–255.</summary>
    public const double RangeWeight = 1000;

    /// <summary>Caricatures RGB images [N, 3, H, W] (values 0–255) at the layer.</summary>
    public VisualizationResult Caricature(Tensor rgb255, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        if (rgb255.dim() != 4 || rgb255.shape[1] != 3)
            throw new ArgumentException($"Expected RGB images as a tensor [N, 3, H, W]; got [{string.Join(", ", rgb255.shape)}].", nameof(rgb255));
        Backbone backbone = _layer.Backbone;
        int h = (int)rgb255.shape[2], w = (int)rgb255.shape[3];
        var options = _layer.Options;
        LayerSettings settings = options.Resolve(_layer.Geometry(h, w), backbone.TypicalPixelNorm, ForCaricature);
        var stopwatch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        Tensor start = backbone.Preprocessing.ToNetworkInput(rgb255.to(float32, backbone.Device));
        Tensor target;
        using (no_grad())
            target = backbone.Forward(start, _layer.Layer);
        // Without the α-norm nothing else keeps the amplified image displayable.
        double b = backbone.TypicalPixelNorm;
        Tensor black = backbone.Preprocessing.ToNetworkInput(zeros(1, 3, h, w, device: backbone.Device)) / b;
        Tensor white = backbone.Preprocessing.ToNetworkInput(full(1, 3, h, w, 255f, device: backbone.Device)) / b;
        Objective objective = options.Objective ?? Objective.Sum(
            [OptimizationLoop.Regularised(-Objective.TargetInnerProduct(), settings), RangeWeight * Objective.OutsideRange(black, white)]);
        long[] itemSeeds = Enumerable.Range(0, (int)rgb255.shape[0]).Select(i => seeds?[i] ?? options.Seed + i).ToArray();
        var outcome = OptimizationLoop.Run(backbone, _layer.Layer, settings, objective, target, itemSeeds, h, w, start, options, cancellationToken);
        using var noGrad = no_grad();
        Tensor images = outcome.RgbImages(backbone);
        Tensor features = backbone.Forward(OptimizationOutcome.InputOf(backbone, images), _layer.Layer);
        double[] ratios = ((features * target).flatten(1).sum([1L]) / target.flatten(1).square().sum([1L])).cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        return new VisualizationResult(images, ratios, "⟨Φ(x),Φ0⟩/‖Φ0‖²", outcome.Steps, stopwatch.Elapsed.TotalSeconds, outcome.LossCurves, settings);
    }
}

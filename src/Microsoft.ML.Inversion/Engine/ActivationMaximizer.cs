using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Objectives;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Activation maximisation (IJCV 2016, section 5): an image that maximises the mean activation of one channel of
/// a layer, under the same regularisers, parameterisation and transforms as inversion. The activation is measured
/// in units of the layer's RMS activation on the backbone's mean image, so the preset's constants carry across
/// layers; <see cref="InversionOptions.DataWeight"/> overrides the objective's weight (default
/// <see cref="DefaultWeight"/>).
/// </summary>
public sealed class ActivationMaximizer
{
    /// <summary>The default weight of the activation term against the regularisers.</summary>
    public const double DefaultWeight = 1.0;

    /// <summary>
    /// How activation maximisation adapts the preset's inversion settings for the layer: the activation term has
    /// weight <see cref="DefaultWeight"/> and λTV is <see cref="TvWeight"/>, twice the IJCV paper's, whatever the
    /// inversion's (the inversion's λTV is tuned against a data term that anchors the image; here nothing does).
    /// Measured at stage3 (docs/visualizations.md): with λTV 1 the channels fire 18–88× their mean over the
    /// photographs but the images are rougher than photographs (roughness 1.46–1.72); λTV 2 trades some of that
    /// surplus for smoothness.
    /// </summary>
    public static LayerSettings ForMaximization(LayerSettings inversion) => inversion with
    {
        DataWeight = DefaultWeight,
        TvWeight = TvWeight,
    };

    /// <summary>The total-variation weight of activation maximisation (IJCV normalisation; the paper's is 1).</summary>
    public const double TvWeight = 2;

    /// <summary>The ReLU leak used while optimising (IJCV's nnpreimage: 0.05), where the backbone supports it.</summary>
    public const double ReluLeakWhileOptimising = 0.05;

    private readonly FeatureInverter _layer;

    /// <summary>Creates a maximiser for one layer.</summary>
    public ActivationMaximizer(Backbone backbone, string layer, InversionOptions? options = null) =>
        _layer = new FeatureInverter(backbone, layer, options);

    /// <summary>Generates one image per requested channel (a batch), [N, 3, height, width].</summary>
    /// <param name="channels">The channel each image maximises.</param>
    /// <param name="height">Image height; default the backbone's input height.</param>
    /// <param name="width">Image width; default the backbone's input width.</param>
    /// <param name="seeds">One seed per image; default <c>Options.Seed + i</c>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    public VisualizationResult Maximize(IReadOnlyList<long> channels, int? height = null, int? width = null,
        IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        Backbone backbone = _layer.Backbone;
        int h = height ?? backbone.InputHeight, w = width ?? backbone.InputWidth;
        var options = _layer.Options;
        LayerSettings settings = options.Resolve(_layer.Geometry(h, w), backbone.TypicalPixelNorm, ForMaximization);
        var stopwatch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        double scale = ReferenceActivation(h, w);
        Objective objective = options.Objective ?? OptimizationLoop.Regularised(-Objective.ChannelMeans(channels, scale), settings);
        long[] itemSeeds = Enumerable.Range(0, channels.Count).Select(i => seeds?[i] ?? options.Seed + i).ToArray();
        OptimizationOutcome outcome;
        // Units that are dead at the start pass no gradient through a ReLU; a small leak lets them wake up.
        double leak = backbone.ReluLeak;
        if (backbone.SupportsReluLeak)
            backbone.ReluLeak = ReluLeakWhileOptimising;
        try
        {
            outcome = OptimizationLoop.Run(backbone, _layer.Layer, settings, objective, null, itemSeeds, h, w, null, options, cancellationToken);
        }
        finally
        {
            if (backbone.SupportsReluLeak)
                backbone.ReluLeak = leak;
        }
        using var noGrad = no_grad();
        Tensor images = outcome.RgbImages(backbone);
        Tensor input = OptimizationOutcome.InputOf(backbone, images);
        Tensor features = backbone.Forward(input, _layer.Layer);
        double[] activations = Objective.ChannelMeans(channels).Evaluate(new ObjectiveContext(input, () => features, null, null))
            .cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        return new VisualizationResult(images, activations, "mean channel activation", outcome.Steps, stopwatch.Elapsed.TotalSeconds, outcome.LossCurves, settings);
    }

    // The layer's RMS activation on the mean image: a size-independent unit for activations.
    private double ReferenceActivation(int height, int width)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Backbone backbone = _layer.Backbone;
        // The mean image's network input is all zeros.
        Tensor meanImageInput = zeros(1, 3, height, width, device: backbone.Device);
        double rms = backbone.Forward(meanImageInput, _layer.Layer).square().mean().sqrt().item<float>();
        return rms > 0 ? rms : 1;
    }
}

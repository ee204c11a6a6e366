using System.Diagnostics;
using Microsoft.ML.Inversion.Backbones;
using Microsoft.ML.Inversion.Engine;
using Microsoft.ML.Inversion.Imaging;
using Microsoft.ML.Inversion.Optimizers;
using Microsoft.ML.Inversion.Parameterizations;
using Microsoft.ML.Inversion.Transforms;
using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>
/// Amortised inversion (Dosovitskiy &amp; Brox 2016), beside <see cref="FeatureInverter"/>: a trained decoder turns a
/// layer's representation into an image in one forward pass; optionally <c>refineSteps</c> steps of the usual
/// optimisation then start from the decoder's output.
/// </summary>
/// <param name="backbone">The network the decoder was trained for.</param>
/// <param name="decoder">The trained decoder (not owned: the caller disposes it).</param>
/// <param name="refineSteps">Optimisation steps after the decoder; 0 for the decoder alone.</param>
/// <param name="refinement">The optimisation's options; default <see cref="RefinementOptions"/>. Its <c>Iterations</c> is set to <paramref name="refineSteps"/> when refining.</param>
public sealed class LearnedInverter(Backbone backbone, LearnedDecoder decoder, int refineSteps = 0, InversionOptions? refinement = null)
{
    private readonly Backbone _backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
    private readonly LearnedDecoder _decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));

    /// <summary>The decoder's layer.</summary>
    public string Layer => _decoder.Layer;

    /// <summary>Optimisation steps after the decoder.</summary>
    public int RefineSteps { get; } = refineSteps >= 0 ? refineSteps : throw new ArgumentOutOfRangeException(nameof(refineSteps), "refineSteps must not be negative.");

    /// <summary>
    /// The refinement's default options: the default preset's energy for the layer, optimised on pixels (a start
    /// image is already an image; the Fourier image's first Adam steps move far from it) with Adam at a small rate (0.01, measured best of 0.002, 0.006 and 0.01, docs/learned.md)
    /// (<paramref name="learningRate"/> in units of the pixel scale), one-pixel jitter and no scale or rotation.
    /// </summary>
    public static InversionOptions RefinementOptions(int steps, double learningRate = 0.01) => new()
    {
        Iterations = steps,
        Customize = s => s with
        {
            Parameterization = PixelImage.Factory,
            Optimizer = OptimizerFactory.Adam,
            LearningRate = learningRate,
            JitterAmount = 1,
            Transforms = TransformFactory.Jitter,
        },
    };

    /// <summary>Reconstructs RGB 0–255 images [N, 3, H, W] from their own representation at the layer.</summary>
    public LearnedInversionResult InvertImages(Tensor rgb255, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rgb255);
        using var scope = NewDisposeScope();
        Tensor targets;
        using (no_grad())
            targets = _backbone.Featurize(rgb255.to(float32, _backbone.Device), Layer);
        return InvertFeatures(targets, (int)rgb255.shape[2], (int)rgb255.shape[3], seeds, cancellationToken);
    }

    /// <summary>
    /// Reconstructs images of <paramref name="height"/>×<paramref name="width"/> from representations [N, C, h, w]
    /// or flattened [N, C·h·w] (stored feature vectors).
    /// </summary>
    /// <exception cref="ArgumentException">The representations do not have the layer's shape at that size.</exception>
    public LearnedInversionResult InvertFeatures(Tensor targets, int height, int width, IReadOnlyList<long>? seeds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _decoder.CheckFits(_backbone, Layer);
        using var scope = NewDisposeScope();
        long[] shape = [.. _backbone.DescribeLayer(Layer, height, width).Shape];
        long count = targets.shape[0];
        if (targets.numel() != count * shape.Aggregate(1L, (p, d) => p * d))
            throw new ArgumentException($"Layer '{Layer}' at {width}×{height} has shape [{string.Join(", ", shape)}]; got targets [{string.Join(", ", targets.shape)}].", nameof(targets));
        Tensor features = targets.to(float32, _backbone.Device).reshape([count, .. shape]);
        var clock = Stopwatch.StartNew();
        Tensor images = ImageTensors.Resize(_decoder.Decode(features), height, width);
        double decoderSeconds = clock.Elapsed.TotalSeconds;
        if (RefineSteps == 0)
            return new LearnedInversionResult(images.cpu().DetachFromDisposeScope(), FeatureErrors(images, features), decoderSeconds, 0, 0);
        var options = refinement ?? RefinementOptions(RefineSteps);
        options.Iterations = RefineSteps;
        using var refined = new FeatureInverter(_backbone, Layer, options).InvertFeatures(features, height, width, seeds, cancellationToken, startImages: images);
        return new LearnedInversionResult(refined.Images.clone().DetachFromDisposeScope(), refined.FeatureErrors, decoderSeconds, refined.Seconds, refined.Iterations);
    }

    private double[] FeatureErrors(Tensor images, Tensor targets)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor difference = (_backbone.Featurize(images, Layer) - targets).flatten(1);
        Tensor errors = difference.norm(1) / targets.flatten(1).norm(1).clamp_min(1e-12);
        return errors.cpu().data<float>().Select(e => (double)e).ToArray();
    }
}

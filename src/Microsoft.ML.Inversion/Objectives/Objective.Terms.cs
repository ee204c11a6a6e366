using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Objectives;

// The terms of Mahendran & Vedaldi's energy, in the IJCV 2016 normalisation: images in units of the pixel
// scale B, regularisers averaged over pixels, so the same constants work at any image size.
public sealed partial class Objective
{
    /// <summary>The IJCV ratio between the typical pixel norm B and the typical neighbour difference V (V = B/6.5).</summary>
    public const double VariationRatio = 6.5;

    /// <summary>
    /// The data term ‖Φ(x) − Φ0‖² / ‖Φ0‖² per image (the papers' normalised reconstruction error, squared).
    /// </summary>
    public static Objective FeatureReconstruction() => new(c =>
    {
        if (c.Target is null || c.TargetSquaredNorm is null)
            throw new InvalidOperationException("The feature reconstruction objective needs a target representation.");
        Tensor difference = c.Features - c.Target;
        return difference.square().flatten(1).sum([1L]) / c.TargetSquaredNorm;
    }, "data");

    /// <summary>
    /// The α-norm prior: mean over pixels of ‖y(u,v)‖^α, the colour norm of each pixel in units of B
    /// (IJCV: λα = 1/B^α on raw pixels). α = 6 keeps pixels in range without flattening them.
    /// </summary>
    public static Objective AlphaNorm(double alpha = 6) => new(c =>
    {
        Tensor pixelNormSquared = c.Image.square().sum([1L]);
        return pixelNormSquared.pow(alpha / 2).flatten(1).mean([1L]);
    }, $"‖y‖{alpha:G3}");

    /// <summary>
    /// Total variation TV^β: mean over pixels and channels of ((∂u y)² + (∂v y)²)^(β/2), with differences scaled
    /// by 6.5 (IJCV: λTV = (6.5/B)^β on raw pixels). β = 2 is smooth; β = 1 keeps edges sharper.
    /// Differences at the last row and column are zero, as in the papers' code.
    /// </summary>
    /// <param name="beta">β, the exponent.</param>
    /// <param name="guide">When given, each pixel's term is weighted by the gain the guide reads from the target Φ0
    /// (more where Φ0 is flat); unweighted without a spatial target.</param>
    public static Objective TotalVariation(double beta = 2, Regularizers.TotalVariationGuide? guide = null) => new(c =>
    {
        Tensor y = c.Image * VariationRatio;
        long h = y.shape[2], w = y.shape[3];
        var (horizontal, vertical) = NeighbourDifferences(y);
        // The gains depend only on the target and the canvas size, so a run computes them once.
        Tensor? gains = guide is null ? null
            : c.Cache is { } cache ? cache.GetOrAdd((guide, h, w), () => guide.Gains(c.Target, h, w))
            : guide.Gains(c.Target, h, w);
        if (beta == 2)
        {
            Tensor dx2 = horizontal.square(), dy2 = vertical.square();
            if (gains is not null)
            {
                dx2 = dx2 * gains[.., .., .., ..(int)(w - 1)];
                dy2 = dy2 * gains[.., .., ..(int)(h - 1), ..];
            }
            // Separable: the same value as the padded form below, with fewer kernels forward and backward.
            return (dx2.flatten(1).sum([1L]) + dy2.flatten(1).sum([1L])) / (h * w);
        }
        Tensor dx = nn.functional.pad(horizontal, [0, 1, 0, 0]);
        Tensor dy = nn.functional.pad(vertical, [0, 0, 0, 1]);
        Tensor squared = dx.square() + dy.square();
        // (s + ε)^(β/2) keeps the gradient finite where the image is flat and β < 2.
        Tensor v = (squared + 1e-12).pow(beta / 2);
        if (gains is not null)
            v = v * gains;
        return v.sum([1L]).flatten(1).mean([1L]);
    }, guide is null ? $"TV{beta:G3}" : $"TV{beta:G3} guided");

    /// <summary>
    /// Anisotropic total variation: mean over pixels and channels of |∂u y|^β + |∂v y|^β, with differences scaled by
    /// 6.5 as in <see cref="TotalVariation"/>. For β = 1 it is, up to scale, the mean absolute neighbour difference
    /// that <see cref="Measures.ImageMeasures.Roughness"/> reports, so it penalises exactly what that measure counts
    /// (the isotropic form charges diagonal edges up to √2 less). For β = 2 the two forms are equal.
    /// </summary>
    public static Objective AnisotropicTotalVariation(double beta = 1) => new(c =>
    {
        Tensor y = c.Image * VariationRatio;
        long h = y.shape[2], w = y.shape[3];
        var (horizontal, vertical) = NeighbourDifferences(y);
        // (d² + ε)^(β/2) keeps the gradient finite where neighbours are equal and β < 2.
        Tensor Penalty(Tensor difference) => (difference.square() + 1e-12).pow(beta / 2).flatten(1).sum([1L]);
        return (Penalty(horizontal) + Penalty(vertical)) / (h * w);
    }, $"TV{beta:G3} anisotropic");

    /// <summary>
    /// max(0, floor − ρ)² per image, where ρ is the RMS over pixels of the colour norm about the image's mean colour
    /// (scaled units: a photograph's ρ is about 1). Zero at and above the floor.
    /// </summary>
    public static Objective ContrastShortfall(double floor) => new(c => (floor - Imaging.ColourContrast.Rms(c.Image)).clamp_min(0).square(), $"contrast<{floor:G2}");

    /// <summary>Differences to the right-hand neighbour [N, C, H, W − 1] and to the one below [N, C, H − 1, W].</summary>
    private static (Tensor Horizontal, Tensor Vertical) NeighbourDifferences(Tensor y)
    {
        long h = y.shape[2], w = y.shape[3];
        return (y[.., .., .., 1..] - y[.., .., .., ..(int)(w - 1)], y[.., .., 1.., ..] - y[.., .., ..(int)(h - 1), ..]);
    }

    /// <summary>
    /// A wall at the edges of the displayable range: mean over pixels of Σ_c (max(0, y − upper)² + max(0, lower − y)²),
    /// where <paramref name="lower"/> and <paramref name="upper"/> ([1, 3, h, w], scaled units) are the images of black
    /// (0) and full-intensity (255) pixels. Tasks without the α-norm (caricatures) use it, so the images they return,
    /// clamped to 0–255, are the images they optimised. Bounds of another size are resized to the canvas.
    /// </summary>
    public static Objective OutsideRange(Tensor lower, Tensor upper) => new(c =>
    {
        Tensor y = c.Image;
        Tensor Fit(Tensor bound) => bound.shape[2] == y.shape[2] && bound.shape[3] == y.shape[3]
            ? bound
            : nn.functional.interpolate(bound, [y.shape[2], y.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        Tensor above = (y - Fit(upper)).clamp_min(0);
        Tensor below = (Fit(lower) - y).clamp_min(0);
        return (above.square() + below.square()).sum([1L]).flatten(1).mean([1L]);
    }, "range");

    /// <summary>The mean activation of one channel of the layer (activation maximisation maximises it).</summary>
    public static Objective ChannelMean(long channel) => new(c =>
    {
        Tensor features = c.Features;
        if (features.dim() < 2 || channel < 0 || channel >= features.shape[1])
            throw new ArgumentOutOfRangeException(nameof(channel), $"Channel {channel} is outside the layer's {features.shape[1]} channels.");
        return features.select(1, channel).flatten(1).mean([1L]);
    }, $"mean(ch{channel})");

    /// <summary>
    /// The mean activation of one channel per image (image i looks at <c>channels[i]</c>), divided by
    /// <paramref name="scale"/>: what activation maximisation maximises when a batch shows several channels.
    /// <paramref name="channelDimension"/> is where the channels are in the layer's output [N, ...]: 1 for image
    /// layers [N, C, h, w], 2 for token layers [N, T, D] (the mean is then over the tokens).
    /// </summary>
    public static Objective ChannelMeans(IReadOnlyList<long> channels, double scale = 1, int channelDimension = 1) => new(c =>
    {
        Tensor features = channelDimension == 1 ? c.Features : c.Features.movedim([(long)channelDimension], [1L]);
        long count = features.shape[0], available = features.shape[1];
        if (channels.Count != count)
            throw new ArgumentException($"Expected one channel per image ({count}); got {channels.Count}.", nameof(channels));
        foreach (long channel in channels)
            if (channel < 0 || channel >= available)
                throw new ArgumentOutOfRangeException(nameof(channels), $"Channel {channel} is outside the layer's {available} channels (0–{available - 1}).");
        using Tensor index = tensor(channels.ToArray(), device: features.device).reshape(count, 1, 1);
        Tensor perChannel = features.flatten(2).mean([2L]).unsqueeze(2);
        return perChannel.gather(1, index).flatten() / scale;
    }, $"mean(ch {string.Join(",", channels.Take(4))}{(channels.Count > 4 ? ",…" : "")})");

    /// <summary>
    /// One unit's activation per image (Lucid's "neuron"): image i's channel <c>channels[i]</c> at the position
    /// <c>positions[i]</c> of the layer's other dimensions, flattened in order (y·W + x for a map [N, C, H, W], the
    /// token index for tokens [N, T, D] with <paramref name="channelDimension"/> 2), divided by <paramref name="scale"/>.
    /// </summary>
    public static Objective UnitActivations(IReadOnlyList<long> channels, IReadOnlyList<long> positions, double scale = 1, int channelDimension = 1) => new(c =>
    {
        Tensor features = (channelDimension == 1 ? c.Features : c.Features.movedim([(long)channelDimension], [1L])).flatten(2);
        long count = features.shape[0], available = features.shape[1], places = features.shape[2];
        if (channels.Count != count || positions.Count != count)
            throw new ArgumentException($"Expected one channel and one position per image ({count}); got {channels.Count} and {positions.Count}.", nameof(positions));
        for (int i = 0; i < count; i++)
        {
            if (channels[i] < 0 || channels[i] >= available)
                throw new ArgumentOutOfRangeException(nameof(channels), $"Channel {channels[i]} is outside the layer's {available} channels (0–{available - 1}).");
            if (positions[i] < 0 || positions[i] >= places)
                throw new ArgumentOutOfRangeException(nameof(positions), $"Position {positions[i]} is outside the layer's {places} positions (0–{places - 1}).");
        }
        using Tensor channelIndex = tensor(channels.ToArray(), device: features.device).reshape(count, 1, 1).expand(count, 1, places);
        using Tensor positionIndex = tensor(positions.ToArray(), device: features.device).reshape(count, 1, 1);
        return features.gather(1, channelIndex).gather(2, positionIndex).flatten() / scale;
    }, $"unit(ch {string.Join(",", channels.Take(4))} @ {string.Join(",", positions.Take(4))}{(channels.Count > 4 ? ",…" : "")})");

    /// <summary>⟨Φ(x), Φ0⟩ / ‖Φ0‖² per image (caricatures maximise it).</summary>
    public static Objective TargetInnerProduct() => new(c =>
    {
        if (c.Target is null || c.TargetSquaredNorm is null)
            throw new InvalidOperationException("The inner-product objective needs a target representation.");
        return (c.Features * c.Target).flatten(1).sum([1L]) / c.TargetSquaredNorm;
    }, "⟨Φ,Φ0⟩");
}

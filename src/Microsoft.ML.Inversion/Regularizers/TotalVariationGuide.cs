using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Inversion.Regularizers;

/// <summary>
/// Where the target representation Φ0 says the image is flat, total variation weighs more; where Φ0 changes from
/// one position to the next (texture, edges), less. The guide reads only Φ0, never the original's pixels, so a
/// reconstruction still shows what the layer knows and nothing more.
/// </summary>
/// <remarks>
/// At each position p of a spatial target [N, C, h, w] the variation is v(p) = mean over the right-hand and lower
/// neighbours q of ‖Φ0(p) − Φ0(q)‖, divided by the image's mean ‖Φ0(p)‖. The gain is
/// clamp((<paramref name="Reference"/> / v(p))^<paramref name="Exponent"/>, <paramref name="MinGain"/>,
/// <paramref name="MaxGain"/>), times (<paramref name="Reference"/> / v̄)^<paramref name="ImageExponent"/> for the image's mean
/// variation v̄ (clamped the same way), resized bilinearly to the canvas. A photograph as varied as the reference gets gains
/// near 1 on average; a flat sky gets up to <paramref name="MaxGain"/> times the preset's λTV, fur or grain less.
/// Targets without spatial extent (pooled embeddings, token sequences) and tasks without a target get gain 1, unless a
/// <see cref="Texture"/> estimate is set: then each image's gain is also exp(−<see cref="TextureExponent"/> · (t̂ − t₀))
/// for its estimated log texture t̂ and the estimate's reference t₀, on spatial and pooled targets alike.
/// </remarks>
/// <param name="Reference">The variation v that gets gain 1 (the typical variation of photographs at the layer).</param>
/// <param name="Exponent">How strongly the gain follows the variation (0: not at all).</param>
/// <param name="MinGain">The smallest gain, where Φ0 varies most.</param>
/// <param name="MaxGain">The largest gain, where Φ0 is flattest.</param>
/// <param name="ImageExponent">
/// How strongly the whole image's TV follows its mean variation (0: not at all). Textured photographs (moss, a forest
/// stream) vary more from position to position than flat ones (fog, a dusk sky) everywhere, not only locally, and need
/// less TV overall.
/// </param>
public sealed record TotalVariationGuide(double Reference, double Exponent = 1, double MinGain = 0.25, double MaxGain = 8, double ImageExponent = 0)
{
    /// <summary>An estimate of the original's texture from Φ0 (<see cref="TextureEstimate"/>); null: none.</summary>
    public TextureEstimate? Texture { get; init; }

    /// <summary>How strongly the whole image's TV follows the estimated texture (0: not at all; 1: in proportion).</summary>
    public double TextureExponent { get; init; }

    /// <summary>The gains [N, 1, <paramref name="height"/>, <paramref name="width"/>], or null where the target is not a spatial map.</summary>
    /// <param name="target">Φ0, [N, C, h, w] for a spatial layer.</param>
    /// <param name="height">The canvas height.</param>
    /// <param name="width">The canvas width.</param>
    /// <exception cref="ArgumentException">A <see cref="Texture"/> estimate is set whose channel count differs from the target's.</exception>
    public Tensor? Gains(Tensor? target, long height, long width)
    {
        if (target is null || target.dim() is not (2 or 4))
            return null;
        using var noGrad = no_grad();
        Tensor? textureGains = Texture is null || TextureExponent == 0 ? null
            : (-TextureExponent * (Texture.Predict(target) - Texture.Reference)).exp().to(float32).reshape(-1, 1, 1, 1);
        if (target.dim() != 4 || target.shape[2] < 2 || target.shape[3] < 2)
            return textureGains?.clamp(MinGain, MaxGain).expand(-1, 1, height, width).contiguous();
        Tensor variation = Variation(target);
        Tensor gains = (Reference / variation.clamp_min(1e-6)).pow(Exponent);
        if (ImageExponent != 0)
            gains = gains * (Reference / variation.mean([1L, 2L, 3L], keepdim: true).clamp_min(1e-6)).pow(ImageExponent);
        if (textureGains is not null)
            gains = gains * textureGains;
        gains = gains.clamp(MinGain, MaxGain);
        return F.interpolate(gains, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <summary>The relative variation v(p) of a spatial target [N, C, h, w], as [N, 1, h, w].</summary>
    public static Tensor Variation(Tensor target)
    {
        using var noGrad = no_grad();
        Tensor t = target.to(float32);
        long h = t.shape[2], w = t.shape[3];
        Tensor horizontal = (t[.., .., .., 1..] - t[.., .., .., ..(int)(w - 1)]).square().sum([1L], keepdim: true).sqrt();
        Tensor vertical = (t[.., .., 1.., ..] - t[.., .., ..(int)(h - 1), ..]).square().sum([1L], keepdim: true).sqrt();
        // Each position averages the differences it takes part in (edges have fewer).
        Tensor sum = F.pad(horizontal, [0, 1, 0, 0]) + F.pad(horizontal, [1, 0, 0, 0]) + F.pad(vertical, [0, 0, 0, 1]) + F.pad(vertical, [0, 0, 1, 0]);
        Tensor count = F.pad(ones_like(horizontal), [0, 1, 0, 0]) + F.pad(ones_like(horizontal), [1, 0, 0, 0])
            + F.pad(ones_like(vertical), [0, 0, 0, 1]) + F.pad(ones_like(vertical), [0, 0, 1, 0]);
        Tensor scale = t.square().sum([1L], keepdim: true).sqrt().mean([2L, 3L], keepdim: true).clamp_min(1e-12);
        return sum / count / scale;
    }

    /// <summary>A short description for reports.</summary>
    public string Describe() => $"guided by Φ0 (v₀ {Reference:G3}, γ {Exponent:G2}{(ImageExponent == 0 ? "" : $", image γ {ImageExponent:G2}")}" +
        $"{(Texture is null || TextureExponent == 0 ? "" : $", texture γ {TextureExponent:G2}")}, gain {MinGain:G2}–{MaxGain:G2})";
}

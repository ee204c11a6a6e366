using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Representations;

/// <summary>
/// Dense SIFT as a differentiable TorchSharp module, in the layout of VLFeat's <c>vl_dsift</c> with a flat
/// window: images [N, 3, H, W] to descriptors [N, B·B·O, gh, gw] on a grid with spacing
/// <see cref="DenseSiftOptions.Step"/>.
/// </summary>
/// <remarks>
/// The image's luminance (0.299 R + 0.587 G + 0.114 B) gives central-difference gradients; each pixel's
/// magnitude is split bilinearly between the two nearest of O orientation bins over 360° and bilinearly between
/// the nearest spatial bins (bins of s pixels, centres s apart). A descriptor has B×B spatial bins; the first
/// descriptor's first bin is centred at pixel (s−1, s−1), so every bin's support lies inside the image;
/// descriptors are spaced by the step. Value (by·B + bx)·O + o is orientation o of spatial bin (by, bx). Each
/// descriptor is normalised to unit length (ε = 10⁻⁴ added to its squared norm), clipped at 0.2 and normalised
/// again, as SIFT does.
/// </remarks>
public sealed class DenseSiftFeatures : nn.Module<Tensor, Tensor>
{
    /// <summary>Added to squared norms before normalising.</summary>
    public const double NormalisationEpsilon = 1e-4;

    /// <summary>Creates the module.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DenseSiftFeatures(DenseSiftOptions? options = null) : base("DenseSiftFeatures")
    {
        Options = options ?? new DenseSiftOptions();
        Options.Validate();
        _pooling = new PoolingWeightCache(BinCentres, Options.BinSize);
        RegisterComponents();
    }

    private readonly PoolingWeightCache _pooling;

    /// <summary>The parameters.</summary>
    public DenseSiftOptions Options { get; }

    /// <summary>The number of descriptors along a side of <paramref name="size"/> pixels (0 when it is too small).</summary>
    public int GridSize(long size)
    {
        long span = Options.BinSize * (Options.SpatialBins + 1) - 1;
        return size < span ? 0 : (int)((size - span) / Options.Step + 1);
    }

    // Bin b of descriptor g along one axis is centred at s − 1 + step·g + s·b; listed g-major.
    private double[] BinCentres(long size)
    {
        int s = Options.BinSize, bins = Options.SpatialBins, count = GridSize(size);
        return Enumerable.Range(0, count * bins).Select(k => s - 1 + Options.Step * (k / bins) + s * (k % bins) + 0.0).ToArray();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _pooling.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor image)
    {
        if (image.dim() != 4 || image.shape[1] != 3)
            throw new ArgumentException($"Dense SIFT expects images [N, 3, H, W]; got [{string.Join(", ", image.shape)}].", nameof(image));
        int rows = GridSize(image.shape[2]), columns = GridSize(image.shape[3]);
        if (rows == 0 || columns == 0)
        {
            long span = Options.BinSize * (Options.SpatialBins + 1) - 1;
            throw new ArgumentException($"Dense SIFT with {Options.SpatialBins}×{Options.SpatialBins} bins of {Options.BinSize} pixels needs images of at least {span}×{span}; got {image.shape[2]}×{image.shape[3]}.", nameof(image));
        }
        using var scope = NewDisposeScope();
        Tensor luminance = image.select(1, 0).unsqueeze(1) * 0.299 + image.select(1, 1).unsqueeze(1) * 0.587 + image.select(1, 2).unsqueeze(1) * 0.114;
        var (gx, gy) = GradientHistograms.Gradients(luminance);
        Tensor votes = GradientHistograms.OrientationVotes(gx, gy, GradientHistograms.Magnitude(gx, gy), Options.Orientations, OrientationBinning.Bilinear);
        var (rowWeights, columnWeights) = _pooling.For(votes);
        Tensor pooled = GradientHistograms.PoolAt(votes, rowWeights, columnWeights);
        int bins = Options.SpatialBins;
        // [N, O, rows·B, columns·B] → [N, (by·B + bx)·O + o, rows, columns]
        Tensor descriptors = pooled.reshape(image.shape[0], Options.Orientations, rows, bins, columns, bins)
            .permute(0, 3, 5, 1, 2, 4).reshape(image.shape[0], Options.Dimensions, rows, columns);
        Tensor normalised = descriptors * (descriptors.square().sum([1L], keepdim: true) + NormalisationEpsilon).rsqrt();
        Tensor clipped = normalised.clamp_max(Options.Clip);
        return (clipped * (clipped.square().sum([1L], keepdim: true) + NormalisationEpsilon).rsqrt()).MoveToOuterDisposeScope();
    }
}

namespace Microsoft.ML.Inversion.Representations;

/// <summary>The parameters of a <see cref="HogFeatures"/> representation; the defaults are VLFeat's UoCTTI HOG.</summary>
public sealed record HogOptions
{
    /// <summary>The side of a square cell in pixels (8, as in the CVPR 2015 paper).</summary>
    public int CellSize { get; init; } = 8;

    /// <summary>O, the number of undirected orientation bins over 180° (9); directed bins cover 360° with 2·O.</summary>
    public int Orientations { get; init; } = 9;

    /// <summary>The normalisation and layout.</summary>
    public HogVariant Variant { get; init; } = HogVariant.UoCtti;

    /// <summary>Hard (HOG) or bilinear (HOGb) orientation binning.</summary>
    public OrientationBinning Binning { get; init; } = OrientationBinning.Hard;

    /// <summary>Normalised histogram values are clipped at this value (0.2).</summary>
    public double Clip { get; init; } = 0.2;

    /// <summary>The number of values per cell for these options.</summary>
    public int Dimensions => Variant == HogVariant.UoCtti ? 3 * Orientations + 4 : 4 * Orientations;

    internal void Validate()
    {
        if (CellSize < 2)
            throw new ArgumentOutOfRangeException(nameof(CellSize), $"The HOG cell size must be at least 2 pixels; got {CellSize}.");
        if (Orientations < 2)
            throw new ArgumentOutOfRangeException(nameof(Orientations), $"HOG needs at least 2 orientation bins; got {Orientations}.");
        if (!(Clip > 0))
            throw new ArgumentOutOfRangeException(nameof(Clip), $"The clipping value must be positive; got {Clip}.");
    }
}

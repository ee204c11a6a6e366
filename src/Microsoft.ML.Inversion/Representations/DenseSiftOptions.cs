namespace Microsoft.ML.Inversion.Representations;

/// <summary>The parameters of a <see cref="DenseSiftFeatures"/> representation (VLFeat's <c>vl_dsift</c> layout).</summary>
public sealed record DenseSiftOptions
{
    /// <summary>The side of one spatial bin in pixels (5, as in the CVPR 2015 paper).</summary>
    public int BinSize { get; init; } = 5;

    /// <summary>The distance in pixels between neighbouring descriptors (default: one bin).</summary>
    public int Step { get; init; } = 5;

    /// <summary>The number of spatial bins along each side of a descriptor (4).</summary>
    public int SpatialBins { get; init; } = 4;

    /// <summary>The number of orientation bins over 360° (8).</summary>
    public int Orientations { get; init; } = 8;

    /// <summary>Normalised descriptor values are clipped at this value before normalising again (0.2).</summary>
    public double Clip { get; init; } = 0.2;

    /// <summary>The number of values per descriptor (4·4·8 = 128 by default).</summary>
    public int Dimensions => SpatialBins * SpatialBins * Orientations;

    internal void Validate()
    {
        if (BinSize < 1 || Step < 1 || SpatialBins < 1 || Orientations < 2)
            throw new ArgumentOutOfRangeException(nameof(BinSize),
                $"Dense SIFT needs a bin size, step and spatial bin count of at least 1 and at least 2 orientations; got bin {BinSize}, step {Step}, {SpatialBins} spatial bins, {Orientations} orientations.");
        if (!(Clip > 0))
            throw new ArgumentOutOfRangeException(nameof(Clip), $"The clipping value must be positive; got {Clip}.");
    }
}

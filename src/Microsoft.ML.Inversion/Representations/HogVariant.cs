namespace Microsoft.ML.Inversion.Representations;

/// <summary>The block normalisation and layout of a HOG representation.</summary>
public enum HogVariant
{
    /// <summary>
    /// Felzenszwalb et al.'s (UoCTTI) form as in VLFeat: per cell 2·O directed and O undirected orientation
    /// features, each the half-sum of its four block-normalised and clipped values, plus four texture features
    /// (3·O + 4 = 31 dimensions for O = 9).
    /// </summary>
    UoCtti,

    /// <summary>
    /// Dalal and Triggs' form: undirected histograms, 2×2-cell blocks normalised by L2-Hys (normalise, clip at
    /// 0.2, normalise again); each cell lists its histogram as normalised by each of the four blocks that contain
    /// it (4·O = 36 dimensions for O = 9).
    /// </summary>
    DalalTriggs,
}

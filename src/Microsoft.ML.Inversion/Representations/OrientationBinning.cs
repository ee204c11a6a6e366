namespace Microsoft.ML.Inversion.Representations;

/// <summary>How a pixel's gradient votes into the orientation bins of a histogram.</summary>
public enum OrientationBinning
{
    /// <summary>All of the gradient's magnitude goes to the bin whose centre is nearest (HOG as in VLFeat and
    /// the CVPR 2015 paper's <c>HOG</c>).</summary>
    Hard,

    /// <summary>The magnitude is split linearly between the two nearest bin centres (the CVPR 2015 paper's
    /// <c>HOGb</c>, and SIFT's usual binning): the features change smoothly with the gradient's angle.</summary>
    Bilinear,
}

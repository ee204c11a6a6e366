namespace Microsoft.ML.Inversion.MLNet;

/// <summary>What the inversion transform does with a row it cannot invert (missing or tiny image, NaN features).</summary>
public enum BadRowPolicy
{
    /// <summary>Throw an exception naming the row index, the column and the reason (default).</summary>
    Throw,

    /// <summary>Give the row an empty (null) image and NaN scores, and go on.</summary>
    Skip,
}

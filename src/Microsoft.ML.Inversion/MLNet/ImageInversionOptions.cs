namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Options of <see cref="ImageInversionEstimator"/>: which layer of which backbone to invert, how, and what the
/// output columns look like. Every field has a documented default.
/// </summary>
public sealed class ImageInversionOptions : ImageInputOptions
{
    /// <summary>Defaults of the inversion step and its catalog methods.</summary>
    public static new class Defaults
    {
        /// <summary>The reconstruction column.</summary>
        public const string OutputColumnName = "Reconstruction";

        /// <summary>The layer inverted when none is named: a mid-depth stage of the built-in ResNet18.</summary>
        public const string Layer = "stage3";

        /// <summary>The layer stored embeddings come from when none is named (DnnFeaturizeImage's 512-float ResNet18 output).</summary>
        public const string FeatureLayer = "pool5";
    }

    /// <summary>Creates options with the defaults.</summary>
    public ImageInversionOptions()
    {
        OutputColumnName = Defaults.OutputColumnName;
        Layer = Defaults.Layer;
    }

    /// <summary>
    /// If set, a <c>float</c> column with each row's feature error ‖Φ(x) − Φ0‖/‖Φ0‖ at the end of the reconstruction.
    /// </summary>
    public string? FeatureErrorColumnName;

    internal override string? ScoreColumnName => FeatureErrorColumnName;
}

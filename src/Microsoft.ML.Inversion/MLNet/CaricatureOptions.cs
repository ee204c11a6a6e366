namespace Microsoft.ML.Inversion.MLNet;

/// <summary>
/// Options of <see cref="CaricatureEstimator"/>: each row's image is caricatured at a layer (IJCV 2016). Every field
/// has a documented default.
/// </summary>
public sealed class CaricatureOptions : ImageInputOptions
{
    /// <summary>Defaults of the caricature step and its catalog method.</summary>
    public static new class Defaults
    {
        /// <summary>The caricature column.</summary>
        public const string OutputColumnName = "Caricature";

        /// <summary>The layer whose view is amplified when none is named.</summary>
        public const string Layer = "stage2";
    }

    /// <summary>Creates options with the defaults.</summary>
    public CaricatureOptions()
    {
        OutputColumnName = Defaults.OutputColumnName;
        Layer = Defaults.Layer;
    }

    /// <summary>
    /// If set, a <c>float</c> column with each row's amplification ⟨Φ(x), Φ0⟩/‖Φ0‖²: 1 for the image itself, more
    /// when the layer's view of it was amplified.
    /// </summary>
    public string? AmplificationColumnName;

    internal override string? ScoreColumnName => AmplificationColumnName;
}

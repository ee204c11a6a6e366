namespace Microsoft.ML.Inversion.MLNet;

/// <summary>What <see cref="ImageInversionEstimator"/> makes of each row's image.</summary>
public enum ImageInversionTask
{
    /// <summary>A reconstruction from the layer's representation of the image, starting from noise (the pre-image).</summary>
    Reconstruct,

    /// <summary>
    /// A caricature (IJCV 2016): starting from the image, what the layer sees in it is amplified by maximising
    /// ⟨Φ(x), Φ0⟩/‖Φ0‖² under the regularisers. Needs image input; the score column holds that ratio.
    /// </summary>
    Caricature,
}

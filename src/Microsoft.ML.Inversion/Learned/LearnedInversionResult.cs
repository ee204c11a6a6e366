using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Learned;

/// <summary>What <see cref="LearnedInverter"/> returns: the reconstructions, their feature errors and the time each part took.</summary>
public sealed class LearnedInversionResult : IDisposable
{
    internal LearnedInversionResult(Tensor images, IReadOnlyList<double> featureErrors, double decoderSeconds, double refineSeconds, int refineSteps)
    {
        Images = images;
        FeatureErrors = featureErrors;
        DecoderSeconds = decoderSeconds;
        RefineSeconds = refineSeconds;
        RefineSteps = refineSteps;
    }

    /// <summary>The RGB images [N, 3, H, W], values 0–255, on the CPU. Owned by this result.</summary>
    public Tensor Images { get; }

    /// <summary>‖Φ(x) − Φ0‖ / ‖Φ0‖ per returned image.</summary>
    public IReadOnlyList<double> FeatureErrors { get; }

    /// <summary>Seconds the decoder's forward pass took (for the whole batch).</summary>
    public double DecoderSeconds { get; }

    /// <summary>Seconds refinement took (0 without refinement).</summary>
    public double RefineSeconds { get; }

    /// <summary>Refinement steps taken (0 for the decoder alone).</summary>
    public int RefineSteps { get; }

    /// <summary>Seconds in all.</summary>
    public double Seconds => DecoderSeconds + RefineSeconds;

    /// <summary>Releases <see cref="Images"/>.</summary>
    public void Dispose() => Images.Dispose();
}

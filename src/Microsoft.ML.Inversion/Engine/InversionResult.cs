using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>The outcome of inverting a batch: the reconstructions and how close their representations came.</summary>
public sealed class InversionResult : OptimizationResult
{
    internal InversionResult(Tensor images, double[] featureErrors, int iterations, double seconds, double[][]? lossCurves, LayerSettings settings)
        : base(images, iterations, seconds, lossCurves, settings) => FeatureErrors = featureErrors;

    /// <summary>‖Φ(x) − Φ0‖ / ‖Φ0‖ per image at the end (the papers' normalised reconstruction error).</summary>
    public IReadOnlyList<double> FeatureErrors { get; }
}

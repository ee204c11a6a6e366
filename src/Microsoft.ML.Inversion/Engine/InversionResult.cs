namespace Microsoft.ML.Inversion.Engine;

/// <summary>The outcome of inverting a batch: the reconstructions and how close their representations came.</summary>
public sealed class InversionResult : OptimizationResult
{
    internal InversionResult(TaskOutcome outcome)
        : base(outcome)
    {
    }

    /// <summary>‖Φ(x) − Φ0‖ / ‖Φ0‖ per image at the end (the papers' normalised reconstruction error).</summary>
    public IReadOnlyList<double> FeatureErrors => Scores;
}

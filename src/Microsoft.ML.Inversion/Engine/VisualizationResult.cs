namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// The outcome of activation maximisation (score: the channel's mean activation) or a caricature (score:
/// ⟨Φ(x), Φ0⟩/‖Φ0‖²).
/// </summary>
public sealed class VisualizationResult : OptimizationResult
{
    internal VisualizationResult(TaskOutcome outcome)
        : base(outcome)
    {
    }
}

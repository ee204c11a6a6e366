using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>The outcome of activation maximisation or a caricature: images and one score per image.</summary>
public sealed class VisualizationResult : OptimizationResult
{
    internal VisualizationResult(Tensor images, double[] scores, string scoreName, int iterations, double seconds, double[][]? lossCurves, LayerSettings settings)
        : base(images, iterations, seconds, lossCurves, settings)
    {
        Scores = scores;
        ScoreName = scoreName;
    }

    /// <summary>
    /// Per image: the target channel's mean activation (activation maximisation), or ⟨Φ(x), Φ0⟩/‖Φ0‖² (caricatures).
    /// </summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>What <see cref="Scores"/> measures.</summary>
    public string ScoreName { get; }
}

using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>The outcome of activation maximisation or a caricature: images and one score per image.</summary>
public sealed class VisualizationResult : IDisposable
{
    internal VisualizationResult(Tensor images, double[] scores, string scoreName, int iterations, double seconds, double[][]? lossCurves, LayerSettings settings)
    {
        Images = images;
        Scores = scores;
        ScoreName = scoreName;
        Iterations = iterations;
        Seconds = seconds;
        LossCurves = lossCurves;
        Settings = settings;
    }

    /// <summary>The generated RGB images [N, 3, H, W], values 0–255, on the CPU. Owned by this result.</summary>
    public Tensor Images { get; }

    /// <summary>
    /// Per image: the target channel's mean activation (activation maximisation), or ⟨Φ(x), Φ0⟩/‖Φ0‖² (caricatures).
    /// </summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>What <see cref="Scores"/> measures.</summary>
    public string ScoreName { get; }

    /// <summary>The number of optimisation steps taken.</summary>
    public int Iterations { get; }

    /// <summary>Wall-clock seconds for the batch.</summary>
    public double Seconds { get; }

    /// <summary>Each image's energy at every step, when recorded.</summary>
    public IReadOnlyList<double[]>? LossCurves { get; }

    /// <summary>The settings that were used.</summary>
    public LayerSettings Settings { get; }

    /// <summary>Releases <see cref="Images"/>.</summary>
    public void Dispose() => Images.Dispose();
}

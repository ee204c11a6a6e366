using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>What every task returns: the images it produced, one score per image and how the optimisation went.</summary>
public abstract class OptimizationResult : IDisposable
{
    private protected OptimizationResult(TaskOutcome outcome)
    {
        Images = outcome.Images;
        Scores = outcome.Scores;
        ScoreName = outcome.ScoreName;
        Iterations = outcome.Iterations;
        Seconds = outcome.Seconds;
        LossCurves = outcome.LossCurves;
        Settings = outcome.Settings;
    }

    /// <summary>The RGB images [N, 3, H, W], values 0–255, on the CPU. Owned by this result.</summary>
    public Tensor Images { get; }

    /// <summary>One score per image, measured on the returned images (see <see cref="ScoreName"/>).</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>What <see cref="Scores"/> measures.</summary>
    public string ScoreName { get; }

    /// <summary>The number of optimisation steps taken.</summary>
    public int Iterations { get; }

    /// <summary>Wall-clock seconds the optimisation took (for the whole batch).</summary>
    public double Seconds { get; }

    /// <summary>The energy of each image at every step, when <see cref="InversionOptions.RecordLossCurve"/> is set.</summary>
    public IReadOnlyList<double[]>? LossCurves { get; }

    /// <summary>The settings that were used.</summary>
    public LayerSettings Settings { get; }

    /// <summary>Releases <see cref="Images"/>.</summary>
    public void Dispose()
    {
        Images.Dispose();
        GC.SuppressFinalize(this);
    }
}

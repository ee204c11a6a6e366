using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>What every task returns: the images it produced and how the optimisation went.</summary>
public abstract class OptimizationResult : IDisposable
{
    private protected OptimizationResult(Tensor images, int iterations, double seconds, double[][]? lossCurves, LayerSettings settings)
    {
        Images = images;
        Iterations = iterations;
        Seconds = seconds;
        LossCurves = lossCurves;
        Settings = settings;
    }

    /// <summary>The RGB images [N, 3, H, W], values 0–255, on the CPU. Owned by this result.</summary>
    public Tensor Images { get; }

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

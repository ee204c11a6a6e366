using static TorchSharp.torch;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>What <see cref="OptimizationTask.Run"/> returns; the task's face wraps it in its result type.</summary>
/// <param name="Images">The RGB images [N, 3, H, W], values 0–255, on the CPU, outside any dispose scope.</param>
/// <param name="Scores">One score per image.</param>
/// <param name="ScoreName">What the scores measure.</param>
/// <param name="Iterations">The number of optimisation steps taken.</param>
/// <param name="Seconds">Wall-clock seconds for the whole batch.</param>
/// <param name="LossCurves">Each image's energy at every step, when recorded.</param>
/// <param name="Settings">The settings that were used.</param>
public sealed record TaskOutcome(Tensor Images, double[] Scores, string ScoreName, int Iterations, double Seconds,
    double[][]? LossCurves, LayerSettings Settings);
